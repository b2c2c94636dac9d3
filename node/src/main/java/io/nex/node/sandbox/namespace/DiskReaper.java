package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Unmounts the sandboxes' disks when the node dies without doing it itself (SIGKILL, a crash).
 * A mount outlives every process, so without this a killed node would leave a mounted disk per
 * sandbox until the next node start cleaned up. One small shell per node, in a session of its
 * own (a signal to the node's process group does not reach it) and not tied to the node's death
 * the way sandboxes are: it reads, from a pipe only the node holds, each directory the node
 * mounts disks in; at end of file (the node has exited, however) it lazily unmounts every mount
 * below those directories and deletes their images. After an orderly stop there is nothing left
 * for it to do, and the node waits for it to see so before it exits (a shutdown hook): a stopped
 * node leaves no process behind, not even this one for a moment.
 */
final class DiskReaper {
  private static final String SCRIPT = "while read -r d; do set -- \"$@\" \"$d\"; done; "
      + "for d in \"$@\"; do "
      + "grep -F \" $d/\" /proc/self/mountinfo | cut -d' ' -f5 | while read -r m; do umount --lazy \"$m\"; done; "
      + "rm -f \"$d\"/*.disk; done";

  private static final long FINISH_SECONDS = 5;

  private final Set<Path> told = new HashSet<>();
  private Process reaper;
  private boolean hooked;

  /** Makes sure the disks mounted in {@code dir} are unmounted should the node die. */
  synchronized void watch(Path dir) throws IOException {
    if (reaper == null || !reaper.isAlive()) {
      reaper = new ProcessBuilder(List.of(Programs.system("setsid").toString(), "/bin/sh", "-c", SCRIPT))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      told.clear();
      if (!hooked) {
        hooked = true;
        Runtime.getRuntime().addShutdownHook(new Thread(this::finish, "disk-reaper-finish"));
      }
    }
    if (told.add(dir)) {
      OutputStream pipe = reaper.getOutputStream();
      pipe.write((dir.toAbsolutePath().normalize() + "\n").getBytes(StandardCharsets.UTF_8));
      pipe.flush();
    }
  }

  /** At the node's exit: end of file for the reaper, which then finds nothing mounted and ends. */
  private synchronized void finish() {
    if (reaper == null) {
      return;
    }
    try {
      reaper.getOutputStream().close();
      reaper.waitFor(FINISH_SECONDS, TimeUnit.SECONDS);
    } catch (IOException e) {
      // its pipe is gone already: it has seen the end
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
