package io.nex.node;

import io.nex.api.Json;
import io.nex.node.sandbox.ProcessTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code run-state.json} in the resource directory: what a running node has out in the world
 * that is not a plain child of its own — its work directory (every sandbox lives below it) and
 * its internal nats-server, each process named by pid and start time so that a later run can
 * tell it from a stranger that reuses the pid. Removed on an orderly stop; found on start, it
 * means the last node died without cleaning up ({@link Leftovers}).
 */
record RunState(long nodePid, long nodeStartTime, String workDir, long internalServerPid,
    long internalServerStartTime) {
  static final String FILE_NAME = "run-state.json";

  static RunState of(Path workDir, long internalServerPid) {
    long self = ProcessHandle.current().pid();
    return new RunState(self, ProcessTable.startTime(self).orElse(0), workDir.toString(), internalServerPid,
        ProcessTable.startTime(internalServerPid).orElse(0));
  }

  /** The state an earlier run left, if any; an unreadable file counts as none. */
  static Optional<RunState> read(Path file) {
    try {
      return Files.exists(file) ? Optional.of(Json.read(Files.readAllBytes(file), RunState.class)) : Optional.empty();
    } catch (IOException | Json.MalformedJsonException e) {
      return Optional.empty();
    }
  }

  /** Written beside and renamed over, so a crash mid-write leaves the old state, not half a file. */
  void write(Path file) throws IOException {
    Path partial = file.resolveSibling(FILE_NAME + ".tmp");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(partial, Json.write(this));
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** True when the node that wrote this still runs (same pid, same start time). */
  boolean nodeAlive() {
    return nodeStartTime != 0 && ProcessTable.startTime(nodePid).orElse(-1) == nodeStartTime;
  }
}
