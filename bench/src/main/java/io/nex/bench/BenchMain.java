package io.nex.bench;

import java.util.List;

/** Runs the benchmarks named on the command line (all of them by default) and prints their figures. */
public final class BenchMain {
  /** Each VM deploy waits for a replacement VM to boot and handshake (seconds under TCG): few deploys. */
  private static final int VM_DEPLOYS = 5;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    List<String> wanted = args.length == 0 ? List.of("startup", "deploy", "trigger", "vm") : List.of(args);
    System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    for (String name : wanted) {
      switch (name) {
        case "startup" -> {
          StartupBench.run("process");
          StartupBench.run("namespace");
        }
        case "deploy" -> {
          DeployBench.run("process", DeployBench.DEPLOYS, "");
          DeployBench.run("namespace", DeployBench.DEPLOYS, "");
        }
        case "trigger" -> {
          TriggerBench.run("process");
          TriggerBench.run("namespace");
        }
        case "fleet" -> FleetBench.run();
        case "vm" -> {
          VmBench.run();
          // deploy latency inside a VM next to the other sandboxes, in the same run
          DeployBench.run("process", VM_DEPLOYS, "");
          DeployBench.run("namespace", VM_DEPLOYS, "");
          DeployBench.run("qemu", VM_DEPLOYS, VmBench.imageConfig(java.nio.file.Files.createTempDirectory("nex-bench-vm")));
        }
        default -> {
          System.err.println("unknown benchmark: " + name + " (known: startup, deploy, trigger, fleet, vm)");
          System.exit(2);
        }
      }
    }
  }
}
