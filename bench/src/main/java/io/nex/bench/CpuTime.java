package io.nex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time of a node and of its agents between two moments, from /proc (10 ms ticks). */
final class CpuTime {
  private static final double MICROS_PER_TICK = 10_000;

  private final long nodePid;
  private final long nodeTicks;
  private final long agentTicks;

  private CpuTime(long nodePid) {
    this.nodePid = nodePid;
    this.nodeTicks = ticks(nodePid);
    this.agentTicks = agentTicks(nodePid);
  }

  static CpuTime of(long nodePid) {
    return new CpuTime(nodePid);
  }

  /** Microseconds of CPU per call since {@link #of}, for the node and for its agents together. */
  String perCall(long calls) {
    double node = (ticks(nodePid) - nodeTicks) * MICROS_PER_TICK / Math.max(1, calls);
    double agents = (agentTicks(nodePid) - agentTicks) * MICROS_PER_TICK / Math.max(1, calls);
    return String.format("node %.1f µs, agents %.1f µs", node, agents);
  }

  private static long agentTicks(long nodePid) {
    return ProcessHandle.of(nodePid).map(node -> node.descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("io.nex.agent.AgentMain")).orElse(false))
        .mapToLong(p -> ticks(p.pid())).sum()).orElse(0L);
  }

  /** utime + stime of one process, in clock ticks. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
