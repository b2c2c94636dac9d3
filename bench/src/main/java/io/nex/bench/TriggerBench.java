package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Function trigger round trip (p50/p99, one request at a time) and throughput (64 in flight)
 * for an echo function in JavaScript and in WASM, next to a plain Java responder on the same
 * NATS server in the same run. Also the time to deploy a function from a warm pool, and the cost of
 * tracing: the same function on a node with {@code otel_traces} (file exporter) against one without.
 */
final class TriggerBench {
  private static final int SEQUENTIAL = 2000;
  private static final int IN_FLIGHT = 64;
  private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);
  /** Throughput against raw is measured in turns: this many slices each, of {@link #SLICE}. */
  private static final int SLICES = 10;
  private static final Duration SLICE = THROUGHPUT_WINDOW.dividedBy(SLICES);
  // a new agent warms its deploy path for a moment after its handshake
  private static final Duration REFILL_SETTLE = Duration.ofSeconds(2);

  private TriggerBench() {}

  static void run(String sandbox) throws Exception {
    Path dir = Scratch.dir("nex-bench-trigger");
    Path res = dir.resolve("node");
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url());
        NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
            "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\""))) {
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(60));
      DeployClient client = new DeployClient(nc);

      Dispatcher plain = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), msg.getData()));
      plain.subscribe("bench.plain");
      nc.flush(Duration.ofSeconds(2));

      System.out.println("\n== function triggers (sandbox=" + sandbox + "): echo, payload 16 bytes, " + SEQUENTIAL
          + " sequential requests; throughput with " + IN_FLIGHT + " in flight for " + THROUGHPUT_WINDOW.toSeconds()
          + " s, each after load until the JIT compilers are quiet; a function's latency is compared with raw requests"
          + " taking turns with it, its rate with raw's in " + SLICES + " turns of " + SLICE.toMillis() + " ms each");
      System.out.printf("%-26s %9s %9s %10s %12s %12s%n", "", "p50 ms", "p99 ms", "p50/raw", "req/s", "of raw");
      warmUp(node, nc, "bench.plain", "bench.plain");
      Stats raw = inTurns(nc, "bench.plain")[0];
      double rawRate = throughput(nc, "bench.plain", THROUGHPUT_WINDOW);
      print("raw jnats (Java responder)", raw, raw, rawRate, rawRate);

      int handshakes = 2;
      for (String[] fn : new String[][] {{"wasm", System.getProperty("echo.wasm")}, {"javascript", System.getProperty("echo.js")}}) {
        Path artifact = Path.of(fn[1]);
        String subject = "bench.fn." + fn[0];
        // uploaded and signed before the clock starts: what is timed is the node's answer
        var request = client.functionRequest("bench" + fn[0], fn[0], client.upload("bench" + fn[0], artifact),
            DeployClient.sha256(artifact), node.nodeId(), List.of(subject));
        long sent = System.nanoTime();
        Envelope deployed = client.deploy("default", node.nodeId(), request);
        double deployMs = (System.nanoTime() - sent) / 1e6;
        if (deployed.failed()) {
          throw new IllegalStateException(deployed.error());
        }
        // the replacement sandbox starts and warms up; measuring meanwhile would measure its start
        node.awaitLog("Received agent handshake", ++handshakes, Duration.ofSeconds(60));
        Thread.sleep(REFILL_SETTLE.toMillis());
        System.out.printf("%-26s %s%n", "", warmUp(node, nc, "bench.plain", subject));
        Stats[] alternating = inTurns(nc, "bench.plain", subject);
        Stats rawNow = alternating[0];
        Stats stats = alternating[1];
        CpuTime cpu = CpuTime.of(node.pid());
        Throughput.Turns turns = Throughput.inTurns(nc, List.of(() -> "bench.plain", () -> subject), IN_FLIGHT,
            SLICES, SLICE);
        String cpuPerCall = cpu.perCall(turns.answered()[1]);
        print(fn[0] + " function", stats, rawNow, turns.rates()[1], turns.rates()[0]);
        System.out.printf("%-26s CPU per call while it took turns with raw: %s%n", "", cpuPerCall);
        System.out.printf("%-26s deploy from a warm pool: %.1f ms; raw alongside: p50 %.3f ms, %.0f req/s%n", "",
            deployMs, rawNow.median(), turns.rates()[0]);
        client.stop("default", node.nodeId(), deployed.dataAs(RunResponse.class).id(), "bench" + fn[0]);
      }
      tracingRatio(dir, controlPlane, nc, client, node, sandbox);
    }
  }

  /**
   * The JavaScript echo on this node (tracing off) and on a second node with {@code otel_traces}
   * and the file exporter, taking turns: each trigger there makes the node's span and the agent's
   * two, written as OTLP JSON lines.
   */
  private static void tracingRatio(Path dir, ControlPlaneServer controlPlane, Connection nc, DeployClient client,
      NodeProcess off, String sandbox) throws Exception {
    Path res = dir.resolve("traced-node");
    try (NodeProcess on = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
        "\"machine_pool_size\": 1, \"sandbox\": \"" + sandbox + "\", \"otel_traces\": true, "
            + "\"otel_traces_exporter\": \"file\""))) {
      on.awaitLog("Received agent handshake", 1, Duration.ofSeconds(60));
      Path artifact = Path.of(System.getProperty("echo.js"));
      String location = client.upload("benchtraced", artifact);
      for (NodeProcess node : List.of(off, on)) {
        Envelope deployed = client.deploy("default", node.nodeId(), client.functionRequest("benchtraced", "javascript",
            location, DeployClient.sha256(artifact), node.nodeId(), List.of("bench.traced." + node.nodeId())));
        if (deployed.failed()) {
          throw new IllegalStateException(deployed.error());
        }
      }
      on.awaitLog("Received agent handshake", 2, Duration.ofSeconds(60));
      Thread.sleep(REFILL_SETTLE.toMillis());
      String offSubject = "bench.traced." + off.nodeId();
      String onSubject = "bench.traced." + on.nodeId();
      warmUp(on, nc, offSubject, onSubject);
      Stats[] alternating = inTurns(nc, offSubject, onSubject);
      double[] rates = Throughput.inTurns(nc, List.of(() -> offSubject, () -> onSubject), IN_FLIGHT, SLICES, SLICE)
          .rates();
      double offRate = rates[0];
      double onRate = rates[1];
      System.out.printf("%-26s p50 %.3f ms off, %.3f ms on: %.2fx; %.0f req/s off, %.0f on: %.0f%%"
          + " (javascript echo, nodes taking turns)%n", "tracing on (file) / off", alternating[0].median(),
          alternating[1].median(), alternating[1].median() / alternating[0].median(), offRate, onRate,
          100 * onRate / offRate);
    }
  }

  private static void print(String label, Stats s, Stats raw, double rate, double rawRate) {
    System.out.printf("%-26s %9.3f %9.3f %9.1fx %12.0f %11.0f%%%n", label, s.median(), s.percentile(99),
        s.median() / raw.median(), rate, 100 * rate / rawRate);
  }

  /**
   * One request at a time, taking turns between {@code subjects}, so that all of them see the
   * same machine: on a shared 2-core box, raw latency alone moves by 2x between minutes. The first
   * 300 rounds warm up and are not counted.
   */
  private static Stats[] inTurns(Connection nc, String... subjects) throws InterruptedException {
    byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    List<List<Double>> samples = new ArrayList<>();
    for (String ignored : subjects) {
      samples.add(new ArrayList<>());
    }
    for (int i = 0; i < SEQUENTIAL + 300; i++) {
      for (int s = 0; s < subjects.length; s++) {
        long start = System.nanoTime();
        if (nc.request(subjects[s], payload, Duration.ofSeconds(5)) == null) {
          throw new IllegalStateException("no reply on " + subjects[s]);
        }
        if (i >= 300) {
          samples.get(s).add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return samples.stream().map(Stats::new).toArray(Stats[]::new);
  }

  /** Both subjects in turns, as they are measured next, until the compilers are quiet. */
  private static String warmUp(NodeProcess node, Connection nc, String first, String second)
      throws InterruptedException {
    return WarmUp.untilCompiled(node.pid(), round -> Throughput.inTurns(nc, List.of(() -> first, () -> second),
        IN_FLIGHT, 2, round.dividedBy(4)));
  }

  private static double throughput(Connection nc, String subject, Duration window) throws InterruptedException {
    return Throughput.measure(List.of(nc), subject, IN_FLIGHT, window);
  }
}
