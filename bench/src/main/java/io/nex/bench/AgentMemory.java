package io.nex.bench;

import io.nex.agent.function.FunctionLimits;
import io.nex.agent.function.FunctionRunner;
import io.nex.agent.function.FunctionRunners;
import io.nex.agent.function.NoHostServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Memory of agents with V8 loaded: each idle agent of a node (RSS and PSS from /proc), and what
 * one more function isolate costs, measured in a JVM of its own by creating many JavaScript functions.
 */
final class AgentMemory {
  private static final int ISOLATES = 50;

  private AgentMemory() {}

  static void print(long nodePid) throws Exception {
    System.out.println("\n== memory with V8: idle warm-pool agents of the node (V8 loaded, warmed), KiB");
    ProcessHandle.of(nodePid).orElseThrow().descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("io.nex.agent.AgentMain")).orElse(false))
        .forEach(p -> System.out.printf("agent pid %-8d RSS %8d  PSS %8d%n", p.pid(), kib(p.pid(), "VmRSS"), pss(p.pid())));
    isolates();
  }

  /**
   * Marginal RSS and PSS of one more JavaScript function (one V8 isolate with its context set up),
   * measured in a JVM of its own whose heap is fixed and touched at start: in this one a GC
   * moves the heap's resident size by more than the isolates weigh.
   */
  private static void isolates() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch", "-Decho.js=" + System.getProperty("echo.js"),
        "-cp", System.getProperty("java.class.path"), Isolates.class.getName())
        .redirectErrorStream(true).start();
    System.out.print(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    child.waitFor();
  }

  /** The measuring JVM. */
  static final class Isolates {
    private Isolates() {}

    public static void main(String[] args) throws Exception {
      long self = ProcessHandle.current().pid();
      List<FunctionRunner> runners = new ArrayList<>();
      byte[] echo = Files.readAllBytes(Path.of(System.getProperty("echo.js")));
      try {
        runners.add(function(echo)); // loads V8
        long rss = kib(self, "VmRSS");
        long pss = pss(self);
        for (int i = 0; i < ISOLATES; i++) {
          runners.add(function(echo));
        }
        System.out.printf("one more function isolate (%d made in one JVM): %+d KiB RSS, %+d KiB PSS each%n", ISOLATES,
            (kib(self, "VmRSS") - rss) / ISOLATES, (pss(self) - pss) / ISOLATES);
      } finally {
        runners.forEach(FunctionRunner::close);
      }
    }
  }

  private static FunctionRunner function(byte[] source) throws Exception {
    FunctionRunner runner = FunctionRunners.create("v8", source, Map.of(), FunctionLimits.defaults(), new NoHostServices(),
        line -> { });
    runner.invoke("bench", "x".getBytes(StandardCharsets.UTF_8));
    return runner;
  }

  static long kib(long pid, String field) {
    return field(Path.of("/proc", Long.toString(pid), "status"), field);
  }

  static long pss(long pid) {
    return field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss");
  }

  private static long field(Path file, String field) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
