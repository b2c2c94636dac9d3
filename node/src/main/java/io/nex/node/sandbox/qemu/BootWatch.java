package io.nex.node.sandbox.qemu;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The boot watchdog's view of one guest's console. The kernel boots with {@code loglevel=6}
 * so that it prints steadily; a guest that falls silent before its initramfs speaks is hung
 * (about one boot in ten under TCG, with no output at all). Kernel lines only count as signs of
 * life; they are kept out of the node's log.
 */
final class BootWatch {
  private static final Pattern KERNEL_LINE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\].*");

  private volatile long lastLineNanos = System.nanoTime();
  private volatile boolean up;

  /** Called for each console line; returns whether to log it. */
  boolean sawLine(String line) {
    lastLineNanos = System.nanoTime();
    if (line.contains(QemuCommand.SIGN_OF_LIFE)) {
      synchronized (this) {
        up = true;
        notifyAll();
      }
    }
    return !KERNEL_LINE.matcher(line).matches();
  }

  /** Empty once the initramfs spoke; else why the boot failed. */
  synchronized Optional<String> await(CompletableFuture<Integer> exit, long silenceSeconds, long bootSeconds)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!up) {
      long now = System.nanoTime();
      if (exit.isDone()) {
        return Optional.of("exited with code " + exit.getNow(-1) + " before its initramfs started");
      }
      if (now - lastLineNanos > silenceSeconds * 1_000_000_000L) {
        return Optional.of("printed nothing for " + silenceSeconds + " s");
      }
      if (now - start > bootSeconds * 1_000_000_000L) {
        return Optional.of("did not reach its initramfs within " + bootSeconds + " s");
      }
      wait(200);
    }
    return Optional.empty();
  }
}
