package io.nex.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One form of the echo service running as a child process. Its output goes to files rather than
 * pipes: the JDK closes a pipe's stream under a concurrent reader when the process exits.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private int linesSeen;

  private ServiceProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static ServiceProcess start(List<String> command, String natsUrl) throws IOException {
    Path stdout = Files.createTempFile("echo-service", ".out");
    Path stderr = Files.createTempFile("echo-service", ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    // Credentials in the developer's own shell must not leak into what the test controls.
    builder.environment().keySet().removeAll(List.of("NATS_USER", "NATS_PASSWORD", "NATS_TOKEN"));
    builder.environment().put("NATS_URL", natsUrl);
    return new ServiceProcess(builder.start(), stdout, stderr);
  }

  /** The next whole line the service printed, waiting for it if need be. */
  String awaitLine() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      String printed = Files.readString(stdout);
      List<String> lines = printed.substring(0, printed.lastIndexOf('\n') + 1).lines().toList();
      if (lines.size() > linesSeen) {
        return lines.get(linesSeen++);
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("no line on stdout within %s (alive: %s); stderr: %s", READY_TIMEOUT, process.isAlive(), stderr());
      }
      Thread.sleep(10);
    }
  }

  /** Sends SIGTERM, which is how Nex stops a workload, and returns the exit code. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    return exitCode(within);
  }

  int exitCode(Duration within) throws InterruptedException {
    assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
        .as("exited within %s", within)
        .isTrue();
    return process.exitValue();
  }

  /** What the service printed after the lines already awaited; meant for after it exited. */
  List<String> remainingStdout() throws IOException {
    List<String> lines = Files.readString(stdout).lines().toList();
    return lines.subList(Math.min(linesSeen, lines.size()), lines.size());
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() throws InterruptedException, IOException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
    Files.deleteIfExists(stdout);
    Files.deleteIfExists(stderr);
  }
}
