package io.nex.bench;

import java.util.List;

/** Runs the benchmarks named on the command line (all of them by default) and prints their figures. */
public final class BenchMain {
  /** Each VM deploy waits for a replacement VM to boot and handshake (seconds under TCG): few deploys. */
  private static final int VM_DEPLOYS = 5;

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
      switch (name) {
        case "fleet" -> FleetBench.run();
        case "density" -> DensityBench.run(arg.contains(":") ? sandboxes.get(0) : "process");
        case "vm" -> {
          VmBench.run();
          // deploy latency inside a VM next to the other sandboxes, in the same run
          DeployBench.run("process", VM_DEPLOYS, "");
          DeployBench.run("namespace", VM_DEPLOYS, "");
          DeployBench.run("qemu", VM_DEPLOYS, VmBench.imageConfig(Scratch.dir("nex-bench-vm")));
        }
        case "functions" -> {
          // function deploys only: JavaScript and WASM next to each other
          for (String sandbox : sandboxes) {
            DeployBench.run(sandbox, DeployBench.JS_DEPLOYS, "", DeployBench.Workload.JAVASCRIPT);
            DeployBench.run(sandbox, DeployBench.JS_DEPLOYS, "", DeployBench.Workload.WASM);
          }
        }
        case "startup", "deploy", "trigger" -> {
          for (String sandbox : sandboxes) {
            switch (name) {
              case "startup" -> StartupBench.run(sandbox);
              case "deploy" -> {
                DeployBench.run(sandbox, DeployBench.DEPLOYS, "");
                DeployBench.run(sandbox, DeployBench.JS_DEPLOYS, "", DeployBench.Workload.JAVASCRIPT);
                DeployBench.run(sandbox, DeployBench.JS_DEPLOYS, "", DeployBench.Workload.WASM);
              }
              default -> TriggerBench.run(sandbox);
            }
          }
        }
        default -> {
          System.err.println("unknown benchmark: " + name + " (known: startup, deploy, trigger, functions, each"
              + " optionally :process or :namespace; density[:namespace]; fleet; vm)");
          System.exit(2);
        }
      }
    }
  }
}
