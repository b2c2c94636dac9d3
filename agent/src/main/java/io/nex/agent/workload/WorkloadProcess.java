package io.nex.agent.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A service workload running as a child of the agent: its output goes line by line to
 * {@code onLine(text, isStderr)}, and stopping it takes the whole process tree (Nex #520: a
 * shell's children must not outlive the workload). Its end is reported only once both pipes
 * are drained, so that every line it wrote goes out before the news that it exited.
 */
final class WorkloadProcess {
  /** 20 tries over about 1 s: under 200 deploys at once on 2 cores, 45 ms was seen not to be enough. */
  private static final int TEXT_BUSY_ATTEMPTS = 20;
  /**
   * How long after the exit the pipes may take to reach end-of-file. Longer only when a process
   * the workload left behind still holds them; its later output is then not waited for.
   */
  private static final long DRAIN_GRACE_MILLIS = 2000;

  private final Process process;
  private final CompletableFuture<Void> stdoutDrained = new CompletableFuture<>();
  private final CompletableFuture<Void> stderrDrained = new CompletableFuture<>();
  private final CompletableFuture<Integer> exit;

  private WorkloadProcess(Process process) {
    this.process = process;
    CompletableFuture<Void> drained = CompletableFuture.allOf(stdoutDrained, stderrDrained);
    this.exit = process.onExit().thenCompose(p -> drained
        .completeOnTimeout(null, DRAIN_GRACE_MILLIS, TimeUnit.MILLISECONDS)
        .thenApply(v -> p.exitValue()));
  }

  static WorkloadProcess start(ProcessBuilder builder) throws IOException {
    return new WorkloadProcess(spawn(builder.redirectInput(ProcessBuilder.Redirect.PIPE)));
  }

  /**
   * Starts passing the output on, line by line. Separate from {@link #start} so that a deploy can
   * answer first: the output waits in the pipes meanwhile, and the two threads' start does not
   * compete with the answer for the CPU.
   */
  void relayOutput(BiConsumer<String, Boolean> onLine) {
    relay(process.getInputStream(), false, onLine, stdoutDrained);
    relay(process.getErrorStream(), true, onLine, stderrDrained);
  }

  /**
   * The node writes the artifact just before the deploy; a process the node was forking at that
   * moment holds the file open for writing until it closes its inherited descriptors, and exec
   * fails with ETXTBSY (error=26) meanwhile. That lasts microseconds on an idle machine, longer
   * when the node's forks queue for the CPU, so try again, backing off.
   */
  private static Process spawn(ProcessBuilder builder) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return builder.start();
      } catch (IOException e) {
        if (attempt == TEXT_BUSY_ATTEMPTS || e.getMessage() == null || !e.getMessage().contains("error=26,")) {
          throw e;
        }
        try {
          Thread.sleep(Math.min(5L * attempt, 100));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void relay(InputStream stream, boolean isStderr, BiConsumer<String, Boolean> onLine,
      CompletableFuture<Void> drained) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          onLine.accept(line, isStderr);
        }
      } catch (IOException ignored) {
        // the workload closed its output; its exit is reported through onExit()
      } finally {
        drained.complete(null);
      }
    }, isStderr ? "workload-stderr" : "workload-stdout");
    thread.setDaemon(true);
    thread.start();
  }

  /** Completes with the exit code once the workload has exited and its output has been passed on. */
  CompletableFuture<Integer> onExit() {
    return exit;
  }

  /** SIGTERM to the workload and its children; SIGKILL to whatever is left after {@code graceMillis}. */
  void stop(long graceMillis) {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
