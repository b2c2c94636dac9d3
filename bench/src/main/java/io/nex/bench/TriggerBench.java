package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Function trigger round trip (p50/p99, one request at a time) and throughput (64 in flight)
 * for an echo function in JavaScript and in WASM, next to a plain Java responder on the same
 * NATS server in the same run. Also the time to deploy a function from a warm pool.
 */
final class TriggerBench {
  private static final int SEQUENTIAL = 2000;
  private static final int IN_FLIGHT = 64;
  private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(5);
  // the node compiles its trigger path with C2 within the first seconds of load; measure after
  private static final Duration WARM_UP = Duration.ofSeconds(3);

  private TriggerBench() {}

  static void run(String sandbox) throws Exception {
    Path dir = Files.createTempDirectory("nex-bench-trigger");
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

      System.out.println("\n== function triggers (sandbox=" + sandbox + "): echo, payload 16 bytes, " + SEQUENTIAL + " sequential requests; throughput with "
          + IN_FLIGHT + " in flight for " + THROUGHPUT_WINDOW.toSeconds() + " s; each after " + WARM_UP.toSeconds()
          + " s of load");
      System.out.printf("%-26s %9s %9s %10s %12s %12s%n", "", "p50 ms", "p99 ms", "p50/raw", "req/s", "of raw");
      throughput(nc, "bench.plain", WARM_UP);
      Stats raw = sequential(nc, "bench.plain");
      double rawRate = throughput(nc, "bench.plain", THROUGHPUT_WINDOW);
      print("raw jnats (Java responder)", raw, raw, rawRate, rawRate);

      for (String[] fn : new String[][] {{"javascript", System.getProperty("echo.js")}, {"wasm", System.getProperty("echo.wasm")}}) {
        Path artifact = Path.of(fn[1]);
        String subject = "bench.fn." + fn[0];
        long sent = System.nanoTime();
        Envelope deployed = client.deploy("default", node.nodeId(), client.functionRequest("bench" + fn[0], fn[0],
            client.upload("bench" + fn[0], artifact), DeployClient.sha256(artifact), node.nodeId(), List.of(subject)));
        double deployMs = (System.nanoTime() - sent) / 1e6;
        if (deployed.failed()) {
          throw new IllegalStateException(deployed.error());
        }
        throughput(nc, subject, WARM_UP);
        Stats stats = sequential(nc, subject);
        double rate = throughput(nc, subject, THROUGHPUT_WINDOW);
        print(fn[0] + " function", stats, raw, rate, rawRate);
        System.out.printf("%-26s deploy from a warm pool: %.1f ms%n", "", deployMs);
        client.stop("default", node.nodeId(), deployed.dataAs(RunResponse.class).id(), "bench" + fn[0]);
        Thread.sleep(1500); // let the pool refill before the next deploy
      }
    }
  }

  private static void print(String label, Stats s, Stats raw, double rate, double rawRate) {
    System.out.printf("%-26s %9.3f %9.3f %9.1fx %12.0f %11.0f%%%n", label, s.median(), s.percentile(99),
        s.median() / raw.median(), rate, 100 * rate / rawRate);
  }

  private static Stats sequential(Connection nc, String subject) throws InterruptedException {
    byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < SEQUENTIAL + 300; i++) {
      long start = System.nanoTime();
      Message reply = nc.request(subject, payload, Duration.ofSeconds(5));
      if (reply == null) {
        throw new IllegalStateException("no reply on " + subject);
      }
      if (i >= 300) {
        samples.add((System.nanoTime() - start) / 1e6);
      }
    }
    return new Stats(samples);
  }

  private static double throughput(Connection nc, String subject, Duration window) throws InterruptedException {
    return Throughput.measure(List.of(nc), subject, IN_FLIGHT, window);
  }
}
