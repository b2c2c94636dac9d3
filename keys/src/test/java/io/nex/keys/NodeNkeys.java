package io.nex.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/js/interop.js with @nats-io/nkeys, installed once (npm ci, pinned by the lock
 * file) into target/nkeys-js. One node process answers a whole batch of requests.
 */
final class NodeNkeys {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILES = List.of("package.json", "package-lock.json", "interop.js");
  private static final String VERSION = "2.0.3";

  private final Path dir;

  private NodeNkeys(Path dir) {
    this.dir = dir;
  }

  static boolean toolsPresent() {
    return runs("node", "--version") && runs("npm", "--version");
  }

  static NodeNkeys install() throws IOException, InterruptedException {
    Path module = Path.of(System.getProperty("basedir", "."));
    Path dir = module.resolve("target/nkeys-js");
    Files.createDirectories(dir);
    for (String file : FILES) {
      Files.copy(module.resolve("src/test/js").resolve(file), dir.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path installed = dir.resolve("node_modules/@nats-io/nkeys/package.json");
    if (!Files.exists(installed) || !JSON.readTree(installed.toFile()).path("version").asText().equals(VERSION)) {
      // --ignore-scripts: nothing from the registry runs during the build
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("npm-ci.log").toFile())
          .start();
      finish(npm, 180, "npm ci (log: " + dir.resolve("npm-ci.log") + ")");
    }
    return new NodeNkeys(dir);
  }

  ObjectNode request(String op) {
    return JSON.createObjectNode().put("op", op);
  }

  /** Sends the requests to one node process; returns its answers in the same order. */
  List<JsonNode> call(ObjectNode... requests) throws IOException, InterruptedException {
    ArrayNode batch = JSON.createArrayNode().addAll(List.of(requests));
    Path out = Files.createTempFile(dir, "out", ".json");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process node = new ProcessBuilder("node", "interop.js")
        .directory(dir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    try (var stdin = node.getOutputStream()) {
      stdin.write(JSON.writeValueAsBytes(batch));
    }
    finish(node, 20, "node interop.js: " + Files.readString(err));
    JsonNode results = JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    List<JsonNode> list = new java.util.ArrayList<>();
    results.forEach(list::add);
    return list;
  }

  private static void finish(Process process, long seconds, String what) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(what + " did not finish in " + seconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(what + " exited with " + process.exitValue());
    }
  }

  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
