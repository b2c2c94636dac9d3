package io.nex.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code nex node up} as a real child process, with its log captured to a file. */
public final class NodeProcess implements AutoCloseable {
  /**
   * JVM options added to every node this JVM starts ({@code nex.node.jvm-options}, space
   * separated). The e2e suite gives {@code -XX:TieredStopAtLevel=1}: its nodes live seconds, and
   * C2's compiles (0.6 CPU-s in a node's first 12 s, measured) would take the two cores from the
   * agents they start; the benchmarks leave it empty and run nodes as {@code bin/nex} does.
   */
  private static final List<String> EXTRA_JVM_OPTIONS = List.of(System.getProperty("nex.node.jvm-options", "")
      .trim().split("\\s+")).stream().filter(option -> !option.isEmpty()).toList();
  private static final Pattern NODE_ID = Pattern.compile("awaiting commands id=(N[A-Z0-9]{55})");

  private final Process process;
  private final Path log;
  /** What a hard kill left running, so that the test can still clean it up. */
  private final List<ProcessHandle> orphans = new ArrayList<>();

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a node with {@code configJson} written beside its log in {@code dir}. */
  public static NodeProcess start(Path dir, String controlUrl, String configJson) throws IOException {
    return start(dir, controlUrl, configJson, List.of());
  }

  /**
   * As {@link #start}, the node leading a process group of its own (under {@code setsid}), as a
   * shell's foreground job does: {@link #signalGroup} then reaches what a terminal's Ctrl-C would.
   */
  public static NodeProcess startLeadingGroup(Path dir, String controlUrl, String configJson) throws IOException {
    return start(dir, controlUrl, configJson, List.of("setsid"));
  }

  private static NodeProcess start(Path dir, String controlUrl, String configJson, List<String> wrapper)
      throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("node.json");
    Files.writeString(config, configJson, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of("node", "up", "--config", config.toString()));
    if (controlUrl != null) {
      args.add("-s");
      args.add(controlUrl);
    }
    Path log = dir.resolve("node.log");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(Cli.command(args.toArray(String[]::new)));
    command.addAll(1 + wrapper.size(), EXTRA_JVM_OPTIONS);
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new NodeProcess(process, log);
  }

  /**
   * A config with the test's own resource dir, so nodes never share files. Agents get 30 s to
   * handshake unless the test says otherwise: tests share two cores with other JVMs, and a
   * handshake that takes 6 s there is slowness, not the failure Nex's 5 s default guards against.
   */
  public static String config(Path resourceDir, String extraFields) {
    String fields = extraFields.contains("agent_handshake_timeout_ms") ? extraFields
        : "\"agent_handshake_timeout_ms\": 30000" + (extraFields.isEmpty() ? "" : ", " + extraFields);
    return "{\"default_resource_dir\": \"" + resourceDir + "\", " + fields + "}";
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public long count(String text) {
    return log().lines().filter(l -> l.contains(text)).count();
  }

  /** Waits until {@code text} has appeared {@code times} times in the log, or fails with the log. */
  public void awaitLog(String text, int times, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (count(text) >= times) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("node exited (" + process.exitValue() + ") before logging '" + text + "':\n" + log());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node did not log '" + text + "' " + times + " times within " + timeout + ":\n" + log());
  }

  public String nodeId() {
    Matcher m = NODE_ID.matcher(log());
    if (!m.find()) {
      throw new AssertionError("no node id in the log:\n" + log());
    }
    return m.group(1);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
  }

  /** Sends {@code signal} to every process of the node's process group (see {@link #startLeadingGroup}). */
  public void signalGroup(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid()).start().waitFor();
  }

  /**
   * {@code kill -9}: the node gets no chance to stop what it started. Its children are remembered
   * first (once orphaned they are no longer its descendants) and destroyed by {@link #close()}.
   */
  public void killHard() throws InterruptedException {
    orphans.addAll(process.descendants().toList());
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Waits for the node to exit; returns its exit code, or -1 if it is still running. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  @Override
  public void close() throws InterruptedException {
    orphans.forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }
}
