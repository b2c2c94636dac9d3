package io.nex.agent.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * WebAssembly fixtures, built from their sources (src/test/wasm, and the users' examples) into
 * target/test-wasm the first time a test asks, again only when the source is newer. .wat needs
 * wat2wasm (Debian wabt); .c needs clang for wasm32-wasi (clang lld wasi-libc
 * libclang-rt-14-dev-wasm32). A missing tool fails the test with that list rather than skipping.
 */
final class Fixtures {
  static final Path SOURCES = Path.of("src/test/wasm");
  static final Path EXAMPLES = Path.of("..", "examples", "functions");
  private static final Path OUT = Path.of("target", "test-wasm");
  private static final String PACKAGES = "apt-get install -y wabt clang lld wasi-libc libclang-rt-14-dev-wasm32";

  private Fixtures() {}

  /** A fixture from src/test/wasm by file name, e.g. "echo-handler.wat" or "echo.c". */
  static byte[] wasm(String sourceName) {
    return wasm(SOURCES.resolve(sourceName));
  }

  static synchronized byte[] wasm(Path source) {
    String name = source.getFileName().toString();
    Path out = OUT.resolve(source.getParent().getFileName() + "-" + name + ".wasm");
    try {
      if (!Files.exists(out) || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(source)) < 0) {
        Files.createDirectories(OUT);
        List<String> command = new ArrayList<>();
        if (name.endsWith(".wat")) {
          command.addAll(List.of("wat2wasm", source.toString(), "-o", out.toString()));
        } else {
          command.addAll(List.of("clang", "--target=wasm32-wasi", "-O2", "-o", out.toString(), source.toString()));
        }
        run(command);
      }
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new AssertionError("cannot build " + source + " (" + e.getMessage() + "); the fixtures need: " + PACKAGES, e);
    }
  }

  static byte[] text(Path source) {
    try {
      return Files.readAllBytes(source);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + source, e);
    }
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " took over a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
    }
  }
}
