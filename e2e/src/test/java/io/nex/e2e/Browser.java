package io.nex.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nex.testkit.NpmTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, driven by playwright-core (src/test/browser, installed by
 * {@link NpmTools}) through driver.mjs: one JSON command a line in, one answer a line out, so the
 * scenario stays in the Java test. bin/prerequisites installs the browser.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILES = List.of("package.json", "package-lock.json", "driver.mjs");
  /** Beyond a command's own timeout: how long the driver may take to answer at all. */
  private static final Duration SLACK = Duration.ofSeconds(30);

  private final Process process;
  private final OutputStream commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path log;

  private Browser(Process process, Path log) {
    this.process = process;
    this.commands = process.getOutputStream();
    this.log = log;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          answers.add(line);
        }
      } catch (IOException e) {
        // the driver exited; a pending call times out and says so
      }
    }, "browser-driver");
    reader.setDaemon(true);
    reader.start();
  }

  static Browser launch() throws IOException, InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new AssertionError(CHROMIUM + " is missing: bin/prerequisites installs Debian's chromium");
    }
    Path dir = NpmTools.install("browser", FILES, "node_modules/playwright-core/package.json");
    Path log = dir.resolve("driver.log");
    Process process = new ProcessBuilder("node", "driver.mjs", CHROMIUM.toString())
        .directory(dir.toFile()).redirectError(log.toFile()).start();
    Browser browser = new Browser(process, log);
    browser.answer("launch", Duration.ofSeconds(60));
    return browser;
  }

  void open(String url) throws IOException, InterruptedException {
    call(command("goto").put("url", url), Duration.ofSeconds(30));
  }

  /** Waits until {@code expression} (JavaScript, in the page) is truthy; returns its value. */
  JsonNode waitFor(String expression, Duration timeout) throws IOException, InterruptedException {
    return call(command("waitFor").put("expression", expression).put("timeoutMs", timeout.toMillis()), timeout);
  }

  JsonNode evaluate(String expression) throws IOException, InterruptedException {
    return call(command("evaluate").put("expression", expression), Duration.ofSeconds(10));
  }

  void click(String selector) throws IOException, InterruptedException {
    call(command("click").put("selector", selector).put("timeoutMs", 10_000), Duration.ofSeconds(10));
  }

  void select(String selector, String value) throws IOException, InterruptedException {
    call(command("select").put("selector", selector).put("value", value).put("timeoutMs", 10_000), Duration.ofSeconds(10));
  }

  String content() throws IOException, InterruptedException {
    return call(command("content"), Duration.ofSeconds(10)).asText();
  }

  void screenshot(Path file) throws IOException, InterruptedException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    call(command("screenshot").put("path", file.toAbsolutePath().toString()), Duration.ofSeconds(30));
  }

  /** Script errors the page has logged so far. */
  JsonNode errors() throws IOException, InterruptedException {
    return call(command("errors"), Duration.ofSeconds(10));
  }

  private static ObjectNode command(String op) {
    return JSON.createObjectNode().put("op", op);
  }

  private JsonNode call(ObjectNode command, Duration timeout) throws IOException, InterruptedException {
    commands.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
    return answer(command.toString(), timeout);
  }

  private JsonNode answer(String what, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.plus(SLACK).toNanos();
    String line;
    while ((line = answers.poll(200, TimeUnit.MILLISECONDS)) == null) {
      if (!process.isAlive() && answers.isEmpty() || System.nanoTime() > deadline) {
        throw new AssertionError("the browser driver did not answer " + what + (process.isAlive() ? "" : " (it exited)")
            + "; its log:\n" + Files.readString(log));
      }
    }
    JsonNode answer = JSON.readTree(line);
    if (!answer.path("ok").asBoolean()) {
      throw new AssertionError("browser: " + answer.path("error").asText());
    }
    return answer.path("value");
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.write("{\"op\":\"close\"}\n".getBytes(StandardCharsets.UTF_8));
      commands.close();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
