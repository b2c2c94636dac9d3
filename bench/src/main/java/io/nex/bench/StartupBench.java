package io.nex.bench;

import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Node start → all N handshakes, for N = 1, 4, 8, and the memory of one idle agent. The clock
 * starts when the `nex node up` process is launched and stops when its log shows the N-th
 * handshake (polled every 2 ms).
 */
final class StartupBench {
  private static final int RUNS = 5;
  private static final String HANDSHAKE = "Received agent handshake";

  private StartupBench() {}

  static void run(String sandbox) throws Exception {
    Path dir = Scratch.dir("nex-bench-startup");
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir)) {
      System.out.println("\n== node start → all N agents handshaken (" + RUNS + " runs each, sandbox=" + sandbox + ")");
      System.out.printf("%4s %14s %14s %22s%n", "N", "p50 ms", "max ms", "awaiting→ready p50 ms");
      List<Long> agentRss = new ArrayList<>();
      List<Long> agentPss = new ArrayList<>();
      for (int n : new int[] {1, 4, 8}) {
        List<Double> total = new ArrayList<>();
        List<Double> poolOnly = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
          Path res = dir.resolve("n" + n + "-" + run);
          long launched = System.nanoTime();
          try (NodeProcess node = NodeProcess.start(res, controlPlane.url(),
              NodeProcess.config(res, "\"machine_pool_size\": " + n + ", \"sandbox\": \"" + sandbox + "\""))) {
            long awaiting = waitFor(node, "awaiting commands", 1);
            long ready = waitFor(node, HANDSHAKE, n);
            total.add((ready - launched) / 1e6);
            poolOnly.add((ready - awaiting) / 1e6);
            if (n == 1 && run == RUNS - 1) {
              Thread.sleep(2000); // let the idle agent settle before reading its memory
              for (long pid : agentPids(res)) {
                agentRss.add(statusKb(pid, "VmRSS:"));
                agentPss.add(rollupKb(pid, "Pss:"));
              }
            }
            node.signal("TERM");
            node.awaitExit(Duration.ofSeconds(15));
          }
        }
        Stats t = new Stats(total);
        System.out.printf("%4d %14.0f %14.0f %22.0f%n", n, t.median(), t.max(), new Stats(poolOnly).median());
      }
      System.out.println("\n== one idle agent JVM (sandbox=" + sandbox + ", -Xmx64m, SerialGC, C1 only)");
      agentRss.forEach(kb -> System.out.printf("RSS %.1f MiB%n", kb / 1024.0));
      agentPss.forEach(kb -> System.out.printf("PSS %.1f MiB (shared pages split among sharers)%n", kb / 1024.0));
    }
  }

  private static long waitFor(NodeProcess node, String text, int times) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (node.count(text) >= times) {
        return System.nanoTime();
      }
      if (!node.isAlive()) {
        throw new IllegalStateException("node exited:\n" + node.log());
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("timed out waiting for " + times + "× '" + text + "':\n" + node.log());
  }

  private static List<Long> agentPids(Path resourceDir) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline = read(proc.resolve("cmdline"));
        String cwd;
        try {
          cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString();
        } catch (IOException e) {
          continue;
        }
        // the agent JVM itself, not the shell, bwrap or socat around it in a namespace sandbox
        boolean agentJvm = cmdline.split("\0")[0].endsWith("/bin/java") && cmdline.contains("io.nex.agent.AgentMain");
        if (agentJvm && (cwd.startsWith(resourceDir.toString()) || cmdline.contains(resourceDir.toString())
            || environ(proc).contains(resourceDir.toString()))) {
          pids.add(Long.parseLong(proc.getFileName().toString()));
        }
      }
    }
    return pids;
  }

  private static String environ(Path proc) {
    return read(proc.resolve("environ"));
  }

  private static long statusKb(long pid, String field) throws IOException {
    return kb(Path.of("/proc", Long.toString(pid), "status"), field);
  }

  private static long rollupKb(long pid, String field) throws IOException {
    return kb(Path.of("/proc", Long.toString(pid), "smaps_rollup"), field);
  }

  private static long kb(Path file, String field) throws IOException {
    return Files.readAllLines(file).stream()
        .filter(l -> l.startsWith(field))
        .map(l -> l.substring(field.length()).trim().split("\\s+")[0])
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(-1);
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
