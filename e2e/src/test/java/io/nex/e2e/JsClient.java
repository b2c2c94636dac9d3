package io.nex.e2e;

import io.nex.testkit.NpmTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real third-party NATS client: {@code @nats-io/transport-node}, pinned by src/test/js's lock
 * file and installed once with {@code npm ci} into target/js ({@link NpmTools}), run with the machine's node.
 */
final class JsClient {
  private static final List<String> FILES = List.of("package.json", "package-lock.json", "request.mjs");
  private final Path dir;

  private JsClient(Path dir) {
    this.dir = dir;
  }

  static JsClient install() throws IOException, InterruptedException {
    return new JsClient(NpmTools.install("js", FILES, "node_modules/@nats-io/transport-node/package.json"));
  }

  /** Sends {@code count} requests and returns the replies, one per line. */
  List<String> request(String url, String subject, String payload, int count) throws IOException, InterruptedException {
    return run(dir, 30, "node", "request.mjs", url, subject, payload, Integer.toString(count)).lines().toList();
  }

  private static String run(Path dir, long seconds, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
