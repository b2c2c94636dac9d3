package io.nex.node.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs one host program for the image builder and returns its output; a failure is one line naming it. */
final class Exec {
  private Exec() {}

  static String run(Path dir, Map<String, String> env, List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(command.get(0) + " cannot run: " + e.getMessage());
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int code = process.waitFor();
      if (code != 0) {
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        throw new IOException(String.join(" ", command.subList(0, Math.min(3, command.size()))) + " failed (exit "
            + code + ")" + (last.isEmpty() ? "" : ": " + last));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0));
    }
    return output;
  }

  static String run(List<String> command) throws IOException {
    return run(null, Map.of(), command);
  }
}
