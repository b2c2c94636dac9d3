package io.nex.node;

import io.nex.node.fs.DirectoryTree;
import io.nex.node.sandbox.ProcessTable;
import io.nex.node.sandbox.namespace.NamespaceLeftovers;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a node killed with SIGKILL left behind, from its {@link RunState}: its internal
 * nats-server, processes still working in its sandboxes (agents, workloads, daemonized
 * grandchildren), namespace sandboxes' cgroups and host-side files, and its work directory. A
 * process is only killed when it is provably the dead node's: the server by pid, start time and
 * command line, the others by working inside the dead node's own sandbox directories.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
  private static final long EXIT_WAIT_MILLIS = 2000;

  private Leftovers() {}

  /** What one cleanup found and removed. */
  record Cleaned(int servers, int processes, int sandboxDirs, int cgroups, int hostDirs) {}

  /** Cleans up after the run recorded in {@code stateFile}, if it is over, and removes the file. */
  static void cleanAfter(Path stateFile) {
    RunState previous = RunState.read(stateFile).orElse(null);
    if (previous == null) {
      return;
    }
    if (previous.nodeAlive()) {
      LOG.warn("The node that wrote {} (pid {}) still runs; leaving its files alone", stateFile, previous.nodePid());
      return;
    }
    Cleaned cleaned = clean(previous);
    LOG.info("Cleaned up after an earlier node run that did not stop (pid {}): {} internal server, {} processes, "
        + "{} sandbox dirs, {} cgroups, {} host-side dirs", previous.nodePid(), cleaned.servers(),
        cleaned.processes(), cleaned.sandboxDirs(), cleaned.cgroups(), cleaned.hostDirs());
    try {
      Files.deleteIfExists(stateFile);
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", stateFile, e.getMessage());
    }
  }

  static Cleaned clean(RunState previous) {
    Path workDir = Path.of(previous.workDir());
    int servers = killInternalServer(previous, workDir) ? 1 : 0;
    List<ProcessHandle> strays = ProcessTable.workingIn(workDir);
    strays.forEach(ProcessHandle::destroyForcibly);
    strays.forEach(Leftovers::awaitExit);
    int sandboxDirs = 0;
    int cgroups = 0;
    int hostDirs = 0;
    Path sandboxes = workDir.resolve("sandboxes");
    if (Files.isDirectory(sandboxes)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sandboxes)) {
        for (Path dir : dirs) {
          if (NamespaceLeftovers.isDiskImage(dir)) {
            continue; // removed with its sandbox's directory
          }
          sandboxDirs++;
          NamespaceLeftovers.Removed removed = NamespaceLeftovers.remove(dir);
          cgroups += removed.cgroups();
          hostDirs += removed.hostDirs();
        }
      } catch (IOException e) {
        LOG.warn("Could not remove all sandbox leftovers under {}: {}", sandboxes, e.getMessage());
      }
    }
    try {
      DirectoryTree.delete(workDir);
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", workDir, e.getMessage());
    }
    return new Cleaned(servers, strays.size(), sandboxDirs, cgroups, hostDirs);
  }

  /** The recorded internal server, if that very process still runs: same start time, our config. */
  private static boolean killInternalServer(RunState previous, Path workDir) {
    long pid = previous.internalServerPid();
    boolean same = pid > 0 && ProcessTable.startTime(pid).orElse(-1) == previous.internalServerStartTime()
        && ProcessTable.commandLine(pid).map(c -> c.contains("nats-server") && c.contains(workDir.toString()))
            .orElse(false);
    if (!same) {
      return false;
    }
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroyForcibly();
      awaitExit(p);
    });
    return true;
  }

  private static void awaitExit(ProcessHandle process) {
    try {
      process.onExit().get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Process {} did not exit within {} ms of SIGKILL", process.pid(), EXIT_WAIT_MILLIS);
    }
  }
}
