package io.nex.bench;

import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The qemu sandbox: VM launch (qemu started) → agent handshake, and the memory of one idle VM
 * (the qemu process: guest RAM it touched plus the TCG translation cache), with how many such
 * VMs 24 GiB holds. Builds the guest image first (cached by content).
 */
final class VmBench {
  private static final int RUNS = 5;
  private static final long GIB_24_KB = 24L * 1024 * 1024;

  private VmBench() {}

  /** Builds the image into {@code dir}; returns the node config fields that use it. */
  static String imageConfig(Path dir) throws IOException, InterruptedException {
    Path image = dir.resolve("image");
    Process build = new ProcessBuilder(Cli.command("rootfs", "build", "--output", image.toString()))
        .redirectErrorStream(true).inheritIO().start();
    if (!build.waitFor(15, TimeUnit.MINUTES) || build.exitValue() != 0) {
      throw new IllegalStateException("nex rootfs build failed");
    }
    return "\"sandbox\": \"qemu\", \"kernel_filepath\": \"" + image.resolve("vmlinux") + "\", \"rootfs_filepath\": \""
        + image.resolve("rootfs.ext4") + "\"";
  }

  static void run() throws Exception {
    Path dir = Scratch.dir("nex-bench-vm");
    String vm = imageConfig(dir);
    List<Double> launchToHandshake = new ArrayList<>();
    List<Double> rssMib = new ArrayList<>();
    long retries = 0;
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir)) {
      for (int run = 0; run < RUNS; run++) {
        Path res = dir.resolve("run" + run);
        try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, vm))) {
          launchToHandshake.add(launchToHandshakeMs(node));
          retries += node.count("Boot watchdog:");
          Thread.sleep(5000); // the idle agent settles
          for (long pid : qemuPids(res)) {
            rssMib.add(rssKb(pid) / 1024.0);
          }
          node.signal("TERM");
          node.awaitExit(Duration.ofSeconds(30));
        }
      }
    }
    Stats launch = new Stats(launchToHandshake);
    Stats rss = new Stats(rssMib);
    System.out.println("\n== qemu microvm (TCG, 1 vCPU, 256 MiB): VM launch → agent handshake (" + RUNS + " runs)");
    System.out.printf("launch → handshake  p50 %.0f ms, max %.0f ms (boot watchdog retries: %d)%n", launch.median(),
        launch.max(), retries);
    System.out.printf("idle VM qemu RSS    p50 %.0f MiB, max %.0f MiB%n", rss.median(), rss.max());
    System.out.printf("VMs in 24 GiB by RSS: %d%n", (long) (GIB_24_KB / (rss.median() * 1024)));
  }

  /** From the last "Called startVMM()" (a boot the watchdog retried restarts the clock) to the handshake. */
  private static double launchToHandshakeMs(NodeProcess node) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    long launches = 0;
    long launched = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long seen = node.count("Called startVMM()");
      if (seen > launches) {
        launches = seen;
        launched = System.nanoTime();
      }
      if (node.count("Received agent handshake") >= 1) {
        return (System.nanoTime() - launched) / 1e6;
      }
      if (!node.isAlive()) {
        throw new IllegalStateException("node exited:\n" + node.log());
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no handshake within 180 s:\n" + node.log());
  }

  private static List<Long> qemuPids(Path res) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline;
        try {
          cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
          continue;
        }
        if (cmdline.startsWith("/usr/bin/qemu-system-x86_64") && cmdline.contains(res.toString())) {
          pids.add(Long.parseLong(proc.getFileName().toString()));
        }
      }
    }
    return pids;
  }

  private static long rssKb(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).trim().split("\\s+")[0])
        .mapToLong(Long::parseLong).findFirst().orElse(-1);
  }
}
