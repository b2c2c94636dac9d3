package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneCluster;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nats-servers clustered over routes, a node on each: discovery, placement by tag and by
 * auction, essential workloads restarted and taken over after {@code kill -9}, lame duck.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetTest {
  private static final Pattern WORKLOAD_ID = Pattern.compile("with ID: ([0-9a-v]{20}) on node (N[A-Z0-9]{55})");
  /** Lease silence that marks a node dead (4 s), a scan (1 s), a deploy, with room for a busy CI box. */
  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(15);

  @TempDir static Path dir;
  static ControlPlaneCluster cluster;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<String> ids = new ArrayList<>();
  static Connection nc;
  static DeployClient client;
  static String echoLocation;
  static String echoSha;

  @BeforeAll
  static void start() throws Exception {
    cluster = ControlPlaneCluster.start(dir, 3);
    for (int i = 0; i < 3; i++) {
      Path res = dir.resolve("node" + i);
      nodes.add(NodeProcess.start(res, cluster.url(i), NodeProcess.config(res,
          "\"sandbox\": \"process\", \"machine_pool_size\": 1, \"tags\": {\"zone\": \"z" + i + "\"}")));
    }
    for (NodeProcess node : nodes) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(60));
      ids.add(node.nodeId());
    }
    nc = Nats.connect(cluster.url(1));
    client = new DeployClient(nc);
    Path echo = Path.of(System.getProperty("echo.native"));
    echoLocation = client.upload("echo", echo);
    echoSha = DeployClient.sha256(echo);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nc != null) {
      nc.close();
    }
    for (NodeProcess node : nodes) {
      node.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Cli.Result nex(int server, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-s", cluster.url(server), "--timeout", Cli.timeoutFor(args[0])));
    return Cli.run(all.toArray(String[]::new));
  }

  private static String[] keys() {
    return new String[] {"--issuer", dir.resolve("issuer.nk").toString(), "--xkey", dir.resolve("publisher.xk").toString()};
  }

  /** Stops with the CLI's issuer, the one that deployed: only it may. */
  private static void stop(String node, String workloadId, String name) throws Exception {
    List<String> args = new ArrayList<>(List.of("stop", node, workloadId, "--name", name, "--issuer",
        dir.resolve("issuer.nk").toString()));
    Cli.Result stop = nex(0, args.toArray(String[]::new));
    assertThat(stop.exitCode()).as(stop.stderr()).isZero();
  }

  private static String echo(String subject) throws Exception {
    Message reply = nc.request(subject, "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
    return reply == null ? null : new String(reply.getData(), StandardCharsets.UTF_8);
  }

  private static String[] run(String name, String subject, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", echoLocation));
    args.addAll(List.of(extra));
    args.addAll(List.of("--name", name, "--type", "native", "--argv", subject, "NATS_URL=" + cluster.url(0)));
    args.addAll(List.of(keys()));
    return args.toArray(String[]::new);
  }

  @Test
  @Order(1)
  void nodeLsThroughAnyServerShowsTheWholeFleet() throws Exception {
    for (int server = 0; server < 3; server++) {
      Cli.Result ls = nex(server, "node", "ls", "--json");
      assertThat(ls.exitCode()).as(ls.stderr()).isZero();
      JsonNode listed = Json.mapper().readTree(ls.stdout());
      List<String> seen = new ArrayList<>();
      listed.forEach(n -> seen.add(n.get("node_id").asText()));
      assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    }
    Cli.Result table = nex(2, "node", "ls");
    assertThat(table.stdout()).contains("NATS Execution Nodes").contains(ids.get(0)).contains(ids.get(1))
        .contains(ids.get(2));
  }

  @Test
  @Order(2)
  void runWithATagLandsOnTheNodeCarryingIt() throws Exception {
    Cli.Result run = nex(0, run("tagged", "echo.tagged", "--tag", "zone=z2"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Matcher m = WORKLOAD_ID.matcher(run.stdout());
    assertThat(m.find()).as(run.stdout()).isTrue();
    assertThat(m.group(2)).isEqualTo(ids.get(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> "ping".equals(echo("echo.tagged")));
    stop(ids.get(2), m.group(1), "tagged");

    long asked = System.nanoTime();
    Cli.Result nowhere = nex(0, run("nowhere", "echo.nowhere", "--tag", "zone=mars"));
    Duration took = Duration.ofNanos(System.nanoTime() - asked);
    assertThat(nowhere.exitCode()).isEqualTo(1);
    assertThat(nowhere.stderr()).contains("no node can take this \"native\" workload with tags zone=mars");
    // nobody bids: the CLI says so after the auction's own wait, not the deploy's 30 s timeout
    assertThat(took).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  @Order(3)
  void theAuctionSpreadsWorkloadsToTheLeastLoadedNodes() throws Exception {
    Map<String, String> nodeOf = new HashMap<>();
    Map<String, String> nameOf = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      // wait for every node's refill, so that each bids with a warm sandbox again
      for (NodeProcess node : nodes) {
        node.awaitLog("Received agent handshake", (int) node.count("Workload deployed") + 1, Duration.ofSeconds(30));
      }
      Cli.Result run = nex(i, run("spread" + i, "echo.spread" + i));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      Matcher m = WORKLOAD_ID.matcher(run.stdout());
      assertThat(m.find()).as(run.stdout()).isTrue();
      nodeOf.put(m.group(1), m.group(2));
      nameOf.put(m.group(1), "spread" + i);
    }
    assertThat(nodeOf.values()).as("the node running the fewest workloads wins").containsExactlyInAnyOrderElementsOf(ids);
    for (String id : nodeOf.keySet()) {
      stop(nodeOf.get(id), id, nameOf.get(id));
    }
  }

  @Test
  @Order(4)
  void anEssentialWorkloadIsRestartedWhereItRunsWhenItExits() throws Exception {
    try (EventRecorder events = new EventRecorder(nc)) {
      Cli.Result run = nex(0, run("keeper", "echo.keeper", "--essential"));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      Matcher m = WORKLOAD_ID.matcher(run.stdout());
      assertThat(m.find()).isTrue();
      String node = m.group(2);
      NodeProcess owner = nodes.get(ids.indexOf(node));
      await().atMost(Duration.ofSeconds(10)).until(() -> "ping".equals(echo("echo.keeper")));

      // the workload dies on its own: the agent reports it, the node starts it again
      new ProcessBuilder("pkill", "-KILL", "-f", "echo.keeper").start().waitFor();
      await().atMost(Duration.ofSeconds(20)).until(() -> events.ofType("workload_deployed").stream()
          .anyMatch(e -> e.path("data").path("retry_count").asInt() == 1));
      JsonNode undeployed = events.ofType("workload_undeployed").get(0);
      assertThat(undeployed.path("data").path("essential").asBoolean()).isTrue();
      assertThat(undeployed.path("data").path("retry_count").asInt()).isZero();
      assertThat(owner.log()).contains("Essential workload exited; restarting name=keeper");
      await().atMost(Duration.ofSeconds(10)).until(() -> "ping".equals(echo("echo.keeper")));
    }
  }

  @Test
  @Order(5)
  void anEssentialWorkloadOfAKilledNodeIsTakenOverWithItsEnvironment() throws Exception {
    Cli.Result run = nex(0, run("survivor", "echo.survivor", "--essential", ids.get(0)));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> "ping".equals(echo("echo.survivor")));
    // let the owner's first scan seal the environment for its live peers
    Thread.sleep(2500);

    try (EventRecorder events = new EventRecorder(nc)) {
      long killedAt = System.nanoTime();
      nodes.get(0).killHard();
      // the old copy may answer for a moment after its node died: wait for the new one's event
      await().atMost(TAKEOVER_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> events
          .ofType("workload_deployed").stream().anyMatch(e -> e.path("data").path("workload_name").asText()
              .equals("survivor") && !e.path("source").asText().equals(ids.get(0))));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> "ping".equals(echo("echo.survivor")));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
      System.out.println("essential takeover after kill -9: " + takeover.toMillis() + " ms");
      String taker = nodes.get(1).log().contains("Took over essential workload name=survivor") ? ids.get(1) : ids.get(2);
      assertThat(nodes.get(ids.indexOf(taker)).log()).contains("Took over essential workload name=survivor from=node "
          + ids.get(0));
      // exactly one node took it: the claim is a compare-and-set
      long takers = nodes.subList(1, 3).stream()
          .filter(n -> n.log().contains("Took over essential workload name=survivor")).count();
      assertThat(takers).isEqualTo(1);
      // the new copy answers: NATS_URL reached it, sealed by the dead owner to the taker's xkey
    }
  }

  @Test
  @Order(6)
  void lameDuckRefusesNewWorkDrainsAndExits() throws Exception {
    NodeProcess duck = nodes.get(2);
    String duckId = ids.get(2);
    Cli.Result placed = nex(1, run("drained", "echo.drained", duckId));
    assertThat(placed.exitCode()).as(placed.stderr()).isZero();
    try (EventRecorder events = new EventRecorder(nc)) {
      String duckXkey = client.nodeXkey("default", duckId);
      Cli.Result lame = nex(1, "lameduck", duckId, "--deadline", "12s");
      assertThat(lame.exitCode()).as(lame.stderr()).isZero();
      assertThat(lame.stdout()).contains("Command to enter lame duck mode issued to " + duckId);
      await().atMost(Duration.ofSeconds(5)).until(() -> !events.ofType("node_entered_lameduck").isEmpty());

      Envelope refused = client.deploy("default", duckId, client.request("late", "native", echoLocation, echoSha,
          Map.of(), duckId, duckXkey, List.of("echo.late")));
      assertThat(refused.error()).contains("lame duck");
      Cli.Result ls = nex(1, "node", "ls");
      assertThat(ls.stdout()).contains(duckId + "*");
      Cli.Result auction = nex(1, run("elsewhere", "echo.elsewhere", "--tag", "zone=z2"));
      assertThat(auction.exitCode()).as("a draining node does not bid").isEqualTo(1);

      assertThat(duck.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(duck.log()).contains("Lame duck deadline reached; stopping");
      assertThat(events.ofType("workload_undeployed")).anyMatch(e -> e.path("data").path("reason").asText()
          .contains("lame duck"));
    }
  }
}
