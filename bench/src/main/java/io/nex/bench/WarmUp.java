package io.nex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Load, round after round, until the JIT compilers of this client, the node and its agents have
 * gone quiet. A fixed 3 s was not enough at density: a profile of the measured window had the
 * client's and the node's C2 threads at 28% of the box, compiling what the window then measured.
 */
final class WarmUp {
  private static final Duration ROUND = Duration.ofSeconds(1);
  private static final int MIN_ROUNDS = 3;
  private static final int MAX_ROUNDS = 30;
  /** Compiler time in a round, in 10 ms ticks, that counts as quiet: 3% of one core. */
  private static final long QUIET_TICKS = 3;

  /** One round of the load to be measured next. */
  interface Load {
    void run(Duration round) throws InterruptedException;
  }

  private WarmUp() {}

  /** Runs {@code load} until the compilers are quiet (or 30 s); says how long that took. */
  static String untilCompiled(long nodePid, Load load) throws InterruptedException {
    long compiling = 0;
    int rounds = 0;
    while (rounds < MAX_ROUNDS) {
      long before = compilerTicks(nodePid);
      load.run(ROUND);
      rounds++;
      compiling = compilerTicks(nodePid) - before;
      if (rounds >= MIN_ROUNDS && compiling <= QUIET_TICKS) {
        break;
      }
    }
    return String.format("warm-up %d s, JIT compilers at %.0f%% of a core in its last %d s",
        rounds * ROUND.toSeconds(), 100 * CpuTime.shareOfCore(compiling, ROUND.toMillis() / 1e3), ROUND.toSeconds());
  }

  /** CPU ticks of the compiler threads of this process, the node and everything under it. */
  private static long compilerTicks(long nodePid) {
    Stream<Long> pids = Stream.concat(Stream.of(ProcessHandle.current().pid(), nodePid),
        ProcessHandle.of(nodePid).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid));
    return pids.mapToLong(WarmUp::compilerTicksOf).sum();
  }

  /** CPU ticks, in 10 ms, of the compiler threads of one process; 0 once it has ended. */
  static long compilerTicksOf(long pid) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return tasks.mapToLong(WarmUp::compilerThreadTicks).sum();
    } catch (IOException | RuntimeException e) {
      return 0; // the process ended meanwhile
    }
  }

  /** CPU ticks of a thread named "C1 CompilerThre…" or "C2 CompilerThre…", else 0. */
  private static long compilerThreadTicks(Path task) {
    try {
      String comm = Files.readString(task.resolve("comm"));
      return comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")
          ? CpuTime.ticks(task.resolve("stat")).total() : 0;
    } catch (IOException e) {
      return 0; // the thread ended meanwhile
    }
  }
}
