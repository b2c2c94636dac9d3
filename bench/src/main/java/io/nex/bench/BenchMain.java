package io.nex.bench;

import java.util.List;

/** Runs the benchmarks named on the command line (all of them by default) and prints their figures. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    List<String> wanted = args.length == 0 ? List.of("startup", "deploy", "trigger") : List.of(args);
    System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    for (String name : wanted) {
      switch (name) {
        case "startup" -> {
          StartupBench.run("process");
          StartupBench.run("namespace");
        }
        case "deploy" -> {
          DeployBench.run("process");
          DeployBench.run("namespace");
        }
        case "trigger" -> {
          TriggerBench.run("process");
          TriggerBench.run("namespace");
        }
        case "fleet" -> FleetBench.run();
        default -> {
          System.err.println("unknown benchmark: " + name + " (known: startup, deploy, trigger, fleet)");
          System.exit(2);
        }
      }
    }
  }
}
