package io.nex.bench;

import java.util.List;

/** Runs the benchmarks named on the command line (all of them by default) and prints their figures. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    List<String> wanted = args.length == 0 ? List.of("startup", "deploy", "trigger") : List.of(args);
    System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    for (String arg : wanted) {
      // "deploy" runs under both sandboxes, "deploy:process" under one
      String name = arg.contains(":") ? arg.substring(0, arg.indexOf(':')) : arg;
      List<String> sandboxes = arg.contains(":") ? List.of(arg.substring(arg.indexOf(':') + 1))
          : List.of("process", "namespace");
      for (String sandbox : sandboxes) {
        switch (name) {
          case "startup" -> StartupBench.run(sandbox);
          case "deploy" -> DeployBench.run(sandbox);
          case "trigger" -> TriggerBench.run(sandbox);
          default -> {
            System.err.println("unknown benchmark: " + name + " (known: startup, deploy, trigger; optionally :process or"
                + " :namespace)");
            System.exit(2);
          }
        }
      }
    }
  }
}
