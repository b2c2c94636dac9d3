package io.nex.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code nex} from the built jar as its own process, as a user would. */
public final class Cli {
  public static final Path JAR = Path.of(System.getProperty("nex.jar", "../cli/target/nex.jar")).toAbsolutePath().normalize();

  public record Result(int exitCode, String stdout, String stderr) {}

  /** The command line bin/nex runs: C1 only for short-lived commands, the full JIT for {@code node up}. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    if (args.length < 2 || !args[0].equals("node") || !args[1].equals("up")) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The {@code --timeout} tests give {@code command}: 2 s for a lookup, a deploy's 30 s for the
   * commands that wait for a deploy or a stop, since a given {@code --timeout} bounds those too.
   */
  public static String timeoutFor(String command) {
    return List.of("run", "devrun", "stop").contains(command) ? "30s" : "2s";
  }

  public static Result run(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("nex-cli", ".out");
    Path err = Files.createTempFile("nex-cli", ".err");
    try {
      Process process = new ProcessBuilder(command(args))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("nex " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
