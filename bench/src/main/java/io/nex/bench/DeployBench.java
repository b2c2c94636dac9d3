package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.RunResponse;
import io.nex.api.events.CloudEvent;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Deploy latency from a warm pool, next to a raw jnats request–reply measured in the same run:
 * request sent → run_response, → workload_deployed event, → first echo reply. Each deploy waits
 * until the whole pool is ready and warmed again (a quiet node), so every one is "from a warm
 * pool" and none competes with a replacement agent's JVM start.
 * Under qemu each deploy waits for a replacement VM, so a VM run makes few deploys.
 */
final class DeployBench {
  static final int DEPLOYS = 100;
  private static final int RAW_REQUESTS = 2000;

  private DeployBench() {}

  static final int JS_DEPLOYS = 30;

  /** What is deployed: the native echo service, the JavaScript echo function (type v8), the WASM one. */
  enum Workload { NATIVE, JAVASCRIPT, WASM }

  /** @param extraConfig more node config fields (a VM sandbox's image), or empty */
  static void run(String sandbox, int deploys, String extraConfig) throws Exception {
    run(sandbox, deploys, extraConfig, Workload.NATIVE);
  }

  static void run(String sandbox, int deploys, String extraConfig, Workload workload) throws Exception {
    Path dir = Scratch.dir("nex-bench-deploy");
    Path res = dir.resolve("node");
    String extra = extraConfig.isEmpty() ? "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\""
        : "\"machine_pool_size\": 2, " + extraConfig;
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url());
        NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, extra))) {
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(300));
      String nodeId = node.nodeId();
      DeployClient client = new DeployClient(nc);
      Path echo = Path.of(System.getProperty(switch (workload) {
        case NATIVE -> "echo.native";
        case JAVASCRIPT -> "echo.js";
        case WASM -> "echo.wasm";
      }));
      String location = client.upload("echo", echo);
      String sha256 = DeployClient.sha256(echo);
      String xkey = client.nodeXkey("default", nodeId);

      Map<String, Long> deployedAt = new ConcurrentHashMap<>();
      Dispatcher events = nc.createDispatcher(msg -> {
        long at = System.nanoTime();
        try {
          deployedAt.putIfAbsent(Json.read(msg.getData(), CloudEvent.class).data().path("id").asText(), at);
        } catch (Json.MalformedJsonException ignored) {
          // not an event of ours
        }
      });
      events.subscribe(Subjects.event("default", "workload_deployed"));
      nc.flush(Duration.ofSeconds(2));

      List<Double> toReply = new ArrayList<>();
      List<Double> toEvent = new ArrayList<>();
      List<Double> toEcho = new ArrayList<>();
      byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < deploys + 3; i++) {
        awaitReadySandbox(client, nc, nodeId);
        String subject = "echo.bench." + i;
        var request = workload == Workload.NATIVE
            ? client.request("bench", "native", location, sha256, Map.of("NATS_URL", controlPlane.url()), nodeId, xkey,
                List.of(subject))
            : client.functionRequest("bench", workload == Workload.WASM ? "wasm" : "v8", location, sha256, nodeId,
                List.of(subject));
        long sent = System.nanoTime();
        Envelope reply = client.deploy("default", nodeId, request);
        long replied = System.nanoTime();
        if (reply.failed()) {
          throw new IllegalStateException("deploy failed: " + reply.error());
        }
        String id = reply.dataAs(RunResponse.class).id();
        long echoed = firstEcho(nc, subject, ping);
        long evented = awaitEvent(deployedAt, id);
        if (i >= 3) { // the first deploys warm the node's JIT and artifact cache
          toReply.add((replied - sent) / 1e6);
          toEvent.add((evented - sent) / 1e6);
          toEcho.add((echoed - sent) / 1e6);
        }
        client.stop("default", nodeId, id, "bench");
      }
      Stats raw = rawRequestReply(nc);
      Stats reply = new Stats(toReply);
      Stats event = new Stats(toEvent);
      Stats first = new Stats(toEcho);
      if (workload == Workload.JAVASCRIPT) {
        awaitReadySandbox(client, nc, nodeId);
        AgentMemory.print(node.pid());
      }
      String what = switch (workload) {
        case NATIVE -> "native echo";
        case JAVASCRIPT -> "JavaScript echo function, type v8";
        case WASM -> "WASM echo function";
      };
      System.out.println("\n== deploy from a warm pool (" + what + ", sandbox=" + sandbox + ", " + reply.count()
          + " deploys) vs raw jnats request-reply (" + RAW_REQUESTS + " requests)");
      System.out.printf("%-34s %9s %9s %12s%n", "", "p50 ms", "p99 ms", "p50 / raw");
      print("raw jnats request-reply", raw, raw);
      print("deploy → run_response", reply, raw);
      print("deploy → workload_deployed event", event, raw);
      print("deploy → first echo reply", first, raw);
    }
  }

  private static void print(String label, Stats stats, Stats raw) {
    System.out.printf("%-34s %9.2f %9.2f %11.0fx%n", label, stats.median(), stats.percentile(99),
        stats.median() / raw.median());
  }

  private static void awaitReadySandbox(DeployClient client, Connection nc, String nodeId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      Message reply = nc.request(Subjects.info("default", nodeId), new byte[0], Duration.ofSeconds(2));
      InfoResponse info = Json.read(reply.getData(), Envelope.class).dataAs(InfoResponse.class);
      if (!info.pool().isEmpty() && info.pool().stream().allMatch(a -> a.state().equals("ready"))) {
        Thread.sleep(1000); // the agents warm their deploy path and V8 for a few hundred ms after the handshake
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no ready sandbox within 300 s");
  }

  private static long firstEcho(Connection nc, String subject, byte[] payload) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (nc.request(subject, payload, Duration.ofMillis(200)) != null) {
          return System.nanoTime();
        }
      } catch (RuntimeException noRespondersYet) {
        Thread.onSpinWait();
      }
    }
    throw new IllegalStateException("echo on " + subject + " never answered within 60 s");
  }

  private static long awaitEvent(Map<String, Long> seen, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Long at = seen.get(id);
      if (at != null) {
        return at;
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("no workload_deployed event for " + id);
  }

  private static Stats rawRequestReply(Connection nc) throws InterruptedException {
    Dispatcher responder = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), msg.getData()));
    responder.subscribe("bench.raw");
    byte[] payload = "ping".getBytes(StandardCharsets.UTF_8);
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < RAW_REQUESTS + 200; i++) {
      long start = System.nanoTime();
      nc.request("bench.raw", payload, Duration.ofSeconds(2));
      if (i >= 200) {
        samples.add((System.nanoTime() - start) / 1e6);
      }
    }
    nc.closeDispatcher(responder);
    return new Stats(samples);
  }
}
