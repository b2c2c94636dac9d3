package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One sandbox's cgroup: a directory per hierarchy (one on v2, one per controller on v1). The
 * sandbox's first process writes its own pid into each {@code cgroup.procs} before it becomes
 * bwrap, so everything that follows is born inside. The memory controller's {@code oom_kill}
 * counter (v2 {@code memory.events}, v1 {@code memory.oom_control}) tells whether the limit
 * killed something.
 */
final class SandboxCgroup {
  private static final long REMOVE_PATIENCE_MILLIS = 3000;

  private final List<Path> dirs;
  private final Path oomEvents;
  private volatile long lastOomKills;

  SandboxCgroup(List<Path> dirs, Path oomEvents) {
    this.dirs = List.copyOf(dirs);
    this.oomEvents = oomEvents;
  }

  List<Path> procsFiles() {
    return dirs.stream().map(dir -> dir.resolve("cgroup.procs")).toList();
  }

  /** Processes the memory limit has killed; after {@link #remove} the last count read. */
  long memoryLimitKills() {
    try {
      for (String line : Files.readAllLines(oomEvents)) {
        if (line.startsWith("oom_kill ")) {
          lastOomKills = Long.parseLong(line.substring("oom_kill ".length()).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the cgroup is gone: keep the count read before it went
    }
    return lastOomKills;
  }

  /** Kills whatever is still inside (normally nothing: the sandbox was stopped) and removes the cgroup. */
  void remove() throws IOException {
    memoryLimitKills();
    long deadline = System.currentTimeMillis() + REMOVE_PATIENCE_MILLIS;
    for (Path dir : dirs) {
      if (Files.isDirectory(dir)) {
        empty(dir, deadline);
        rmdir(dir, deadline);
      }
    }
  }

  private void empty(Path dir, long deadline) throws IOException {
    while (true) {
      List<Long> pids = Files.readAllLines(dir.resolve("cgroup.procs")).stream()
          .filter(line -> !line.isBlank())
          .map(Long::parseLong)
          .toList();
      if (pids.isEmpty()) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(dir + " still holds processes " + pids);
      }
      // v2 since Linux 5.14 kills the whole cgroup at once; otherwise one by one
      Path killSwitch = dir.resolve("cgroup.kill");
      if (Files.exists(killSwitch)) {
        Files.writeString(killSwitch, "1");
      } else {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
      pause();
    }
  }

  /** A killed process leaves its cgroup a moment after it dies. */
  private static void rmdir(Path dir, long deadline) throws IOException {
    while (true) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (FileSystemException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
