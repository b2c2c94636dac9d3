package io.nex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time of a node and of its agents between two moments, from /proc (10 ms ticks). */
final class CpuTime {
  private static final double MICROS_PER_TICK = 10_000;

  private final long nodePid;
  private final Ticks node;
  private final Ticks agents;

  /** User and system time, in clock ticks. */
  record Ticks(long user, long system) {
    static final Ticks NONE = new Ticks(0, 0);

    Ticks plus(Ticks other) {
      return new Ticks(user + other.user, system + other.system);
    }

    Ticks since(Ticks start) {
      return new Ticks(user - start.user, system - start.system);
    }

    long total() {
      return user + system;
    }

    String systemShare() {
      return String.format("%.0f%% in the kernel", 100.0 * system / Math.max(1, total()));
    }
  }

  private CpuTime(long nodePid) {
    this.nodePid = nodePid;
    this.node = ticks(nodePid);
    this.agents = agentTicks(nodePid);
  }

  static CpuTime of(long nodePid) {
    return new CpuTime(nodePid);
  }

  /** {@code ticks} of CPU spent over {@code seconds}, as a share of one core (1 = a whole core). */
  static double shareOfCore(long ticks, double seconds) {
    return ticks * MICROS_PER_TICK / 1e6 / seconds;
  }

  /** Microseconds of CPU per call since {@link #of}, for the node and for its agents together. */
  String perCall(long calls) {
    Ticks nodeNow = ticks(nodePid).since(node);
    Ticks agentsNow = agentTicks(nodePid).since(agents);
    return String.format("node %.1f µs (%s), agents %.1f µs (%s)",
        nodeNow.total() * MICROS_PER_TICK / Math.max(1, calls), nodeNow.systemShare(),
        agentsNow.total() * MICROS_PER_TICK / Math.max(1, calls), agentsNow.systemShare());
  }

  /** Share of one core the node and its agents used since {@link #of}, {@code seconds} ago: what they cost idle. */
  String cores(double seconds) {
    double nodeCores = shareOfCore(ticks(nodePid).since(node).total(), seconds);
    double agentCores = shareOfCore(agentTicks(nodePid).since(agents).total(), seconds);
    return String.format("node %.1f%% of a core, agents %.1f%%", 100 * nodeCores, 100 * agentCores);
  }

  private static Ticks agentTicks(long nodePid) {
    return ProcessHandle.of(nodePid).map(node -> node.descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("io.nex.agent.AgentMain")).orElse(false))
        .map(p -> ticks(p.pid())).reduce(Ticks.NONE, Ticks::plus)).orElse(Ticks.NONE);
  }

  /** utime and stime of one process. */
  private static Ticks ticks(long pid) {
    return ticks(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** utime and stime from a {@code /proc} stat file, of a process or of one of its threads. */
  static Ticks ticks(Path stat) {
    try {
      String line = Files.readString(stat);
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return new Ticks(Long.parseLong(fields[11]), Long.parseLong(fields[12]));
    } catch (IOException | RuntimeException e) {
      return Ticks.NONE; // it ended meanwhile
    }
  }
}
