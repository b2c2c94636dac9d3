package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.AuctionRequest;
import io.nex.api.control.AuctionResponse;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.keys.WorkloadJwt;
import io.nex.testkit.ControlPlaneCluster;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A fleet of three nodes, each on its own nats-server of a routed cluster: placement (auction →
 * every bid in → deploy answered), takeover of an essential workload after {@code kill -9} of its
 * node, and trigger throughput across the fleet next to plain Java responders in the same run.
 */
final class FleetBench {
  private static final int NODES = 3;
  private static final int PLACEMENTS = 30;
  private static final int TAKEOVERS = 3;
  private static final int IN_FLIGHT = 64;
  private static final Duration WINDOW = Duration.ofSeconds(5);

  private FleetBench() {}

  static void run() throws Exception {
    Path dir = Scratch.dir("nex-bench-fleet");
    List<NodeProcess> nodes = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    try (ControlPlaneCluster cluster = ControlPlaneCluster.start(dir, NODES)) {
      for (int i = 0; i < NODES; i++) {
        nodes.add(startNode(dir, cluster, i, "n" + i));
        connections.add(Nats.connect(cluster.url(i)));
      }
      for (NodeProcess node : nodes) {
        node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(60));
      }
      DeployClient client = new DeployClient(connections.get(0));
      Path echo = Path.of(System.getProperty("echo.native"));
      String location = client.upload("echo", echo);
      String sha = DeployClient.sha256(echo);
      System.out.println("\n== fleet: " + NODES + " nodes, each on its own nats-server of a routed cluster, sandbox=process");

      placement(connections.get(0), client, nodes, location, sha);
      takeover(dir, cluster, nodes, connections, client, location, sha);
      triggers(connections, client, nodes);
    } finally {
      for (Connection c : connections) {
        c.close();
      }
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }

  private static NodeProcess startNode(Path dir, ControlPlaneCluster cluster, int server, String name) throws Exception {
    Path res = dir.resolve(name);
    return NodeProcess.start(res, cluster.url(server), NodeProcess.config(res,
        "\"sandbox\": \"process\", \"machine_pool_size\": 2, \"agent_handshake_timeout_ms\": 30000"));
  }

  /** Auction until every node has bid, pick the best bid, deploy there: what `nex run` without a node does. */
  private static void placement(Connection nc, DeployClient client, List<NodeProcess> nodes, String location,
      String sha) throws Exception {
    List<Double> auctions = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    for (int i = 0; i < PLACEMENTS; i++) {
      long start = System.nanoTime();
      List<AuctionResponse> bids = auction(nc);
      auctions.add((System.nanoTime() - start) / 1e6);
      AuctionResponse best = bids.stream().sorted(AuctionResponse.BEST_FIRST).findFirst().orElseThrow();
      Envelope deployed = client.deploy("default", best.nodeId(), client.request("placed" + i, "native", location, sha,
          Map.of(), best.nodeId(), best.targetXkey(), List.of("echo.placed")));
      total.add((System.nanoTime() - start) / 1e6);
      if (deployed.failed()) {
        throw new IllegalStateException(deployed.error());
      }
      client.stop("default", best.nodeId(), deployed.dataAs(RunResponse.class).id(), "placed" + i);
      Thread.sleep(1200); // the refill, so that every placement sees warm pools
    }
    Stats a = new Stats(auctions);
    Stats t = new Stats(total);
    System.out.printf("placement, %d deploys with no target: all %d bids in p50 %.2f ms p99 %.2f ms; "
        + "bids + deploy answered p50 %.1f ms p99 %.1f ms (the CLI adds a %d ms quiet window after the last bid)%n",
        PLACEMENTS, NODES, a.median(), a.percentile(99), t.median(), t.percentile(99), 150);
  }

  private static List<AuctionResponse> auction(Connection nc) throws InterruptedException {
    String inbox = nc.createInbox();
    var sub = nc.subscribe(inbox);
    nc.publish(Subjects.auction(), inbox, Json.write(AuctionRequest.forWorkload("native", Map.of(), 0)));
    List<AuctionResponse> bids = new ArrayList<>();
    while (bids.size() < NODES) {
      Message m = sub.nextMessage(Duration.ofSeconds(2));
      if (m == null) {
        throw new IllegalStateException("only " + bids.size() + " bids");
      }
      try {
        bids.add(Json.read(m.getData(), Envelope.class).dataAs(AuctionResponse.class));
      } catch (Json.MalformedJsonException e) {
        throw new IllegalStateException(e);
      }
    }
    sub.unsubscribe();
    return bids;
  }

  private static void takeover(Path dir, ControlPlaneCluster cluster, List<NodeProcess> nodes,
      List<Connection> connections, DeployClient client, String location, String sha) throws Exception {
    List<Double> times = new ArrayList<>();
    Connection nc = connections.get(1);
    for (int round = 0; round < TAKEOVERS; round++) {
      int victim = 0;
      String victimId = nodes.get(victim).nodeId();
      String subject = "echo.essential" + round;
      DeployRequest plain = client.request("essential" + round, "native", location, sha,
          Map.of("NATS_URL", cluster.url(1)), victimId, client.nodeXkey("default", victimId), List.of(subject));
      DeployRequest essential = new DeployRequest(plain.argv(), plain.description(), plain.type(), plain.location(),
          true, WorkloadJwt.issue(client.issuer(), "essential" + round, sha), plain.environment(), null,
          plain.senderPublicKey(), victimId, List.of(), 0, null, null);
      Envelope deployed = client.deploy("default", victimId, essential);
      if (deployed.failed()) {
        throw new IllegalStateException(deployed.error());
      }
      while (nc.request(subject, new byte[] {1}, Duration.ofMillis(500)) == null) {
        Thread.sleep(50);
      }
      Thread.sleep(2500); // the owner seals the environment for its peers at its next scan
      // the new copy announces itself from another node; only then does an echo prove it serves
      String name = "essential" + round;
      CompletableFuture<Void> redeployed = new CompletableFuture<>();
      Dispatcher watch = nc.createDispatcher(msg -> {
        String event = new String(msg.getData(), StandardCharsets.UTF_8);
        if (event.contains("\"workload_name\":\"" + name + "\"") && !event.contains(victimId)) {
          redeployed.complete(null);
        }
      });
      watch.subscribe(Subjects.event("default", "workload_deployed"));
      nc.flush(Duration.ofSeconds(2));
      long killed = System.nanoTime();
      nodes.get(victim).killHard();
      redeployed.get(60, TimeUnit.SECONDS);
      while (true) {
        try {
          if (nc.request(subject, new byte[] {1}, Duration.ofMillis(200)) != null) {
            break;
          }
        } catch (IllegalStateException ignored) {
          Thread.sleep(20); // no responders yet
        }
        if (System.nanoTime() - killed > Duration.ofSeconds(60).toNanos()) {
          throw new IllegalStateException("not taken over in 60 s");
        }
      }
      nc.closeDispatcher(watch);
      times.add((System.nanoTime() - killed) / 1e6);
      nodes.get(victim).close();
      nodes.set(victim, startNode(dir, cluster, 0, "replacement" + round));
      nodes.get(victim).awaitLog("Received agent handshake", 2, Duration.ofSeconds(60));
    }
    System.out.printf("essential takeover after kill -9 of its node: %s ms (lease silence 4 s + scan <= 1 s + deploy)%n",
        times.stream().map(t -> String.format("%.0f", t)).toList());
  }

  private static void triggers(List<Connection> connections, DeployClient client, List<NodeProcess> nodes)
      throws Exception {
    for (Connection nc : connections) {
      Dispatcher plain = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), msg.getData()));
      plain.subscribe("bench.fleet.plain", "plain");
      nc.flush(Duration.ofSeconds(2));
    }
    double raw = throughput(connections, "bench.fleet.plain");
    Path wasm = Path.of(System.getProperty("echo.wasm"));
    String location = client.upload("fleetfn", wasm);
    for (NodeProcess node : nodes) {
      Envelope deployed = client.deploy("default", node.nodeId(), client.functionRequest("fleetfn", "wasm", location,
          DeployClient.sha256(wasm), node.nodeId(), List.of("bench.fleet.fn")));
      if (deployed.failed()) {
        throw new IllegalStateException(deployed.error());
      }
    }
    double fn = throughput(connections, "bench.fleet.fn");
    System.out.printf("triggers across the fleet (%d in flight, publishers on all %d servers): wasm echo %.0f req/s, "
        + "plain Java responders %.0f req/s (%.0f%%)%n", IN_FLIGHT, NODES, fn, raw, 100 * fn / raw);
  }

  private static double throughput(List<Connection> connections, String subject) throws InterruptedException {
    return Throughput.measure(connections, subject, IN_FLIGHT, WINDOW);
  }
}
