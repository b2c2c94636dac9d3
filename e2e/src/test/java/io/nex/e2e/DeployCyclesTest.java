package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.Monitoring;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.OneNode;
import io.nex.testkit.ProcessScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** Many deploy/stop cycles leave nothing behind, and a restarted node leaves no orphans. */
// alone: counts the node's threads, files and subscriptions across cycles
@Isolated
class DeployCyclesTest {
  private static final int CYCLES = 50;
  private static final int POOL = 2;
  @TempDir Path dir;

  @Test
  void fiftyDeployStopCyclesLeaveNoProcessFileOrSubscriptionBehind() throws Exception {
    Path res = dir.resolve("node");
    try (OneNode one = OneNode.start(dir, "\"machine_pool_size\": " + POOL + ", \"sandbox\": \"process\"", POOL)) {
      DeployClient client = one.client();
      Path echo = Path.of(System.getProperty("echo.native"));
      String location = client.upload("echo", echo);
      String sha256 = DeployClient.sha256(echo);
      String xkey = client.nodeXkey("default", one.node().nodeId());

      long subscriptionsBefore = 0;
      for (int i = 0; i < CYCLES; i++) {
        Envelope deployed = client.deploy("default", one.node().nodeId(), client.request("cycle", "native", location,
            sha256, Map.of("NATS_URL", one.controlPlane().url()), one.node().nodeId(), xkey, List.of("echo.cycle")));
        assertThat(deployed.error()).as("cycle %d; log:\n%s", i, one.node().log()).isNull();
        String id = deployed.dataAs(RunResponse.class).id();
        if (i == 0) {
          // the first deploy creates the node's caches and the echo's subscription
          await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
              .until(() -> one.connection().request("echo.cycle", new byte[0], Duration.ofSeconds(1)) != null);
          assertThat(client.stop("default", one.node().nodeId(), id, "cycle").error()).isNull();
          subscriptionsBefore = one.controlPlane().subscriptionCount();
          continue;
        }
        assertThat(client.stop("default", one.node().nodeId(), id, "cycle").error()).as("stop in cycle %d", i)
            .isNull();
      }

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        // what remains: the node itself, its internal nats-server and a full warm pool, nothing else
        assertThat(ProcessScan.processesMentioning(res.toString())).hasSize(2 + POOL);
        assertThat(sandboxDirs(res)).hasSize(POOL);
        // the node's own connection and one per pooled agent (a refill may still be connecting)
        assertThat(internalConnections(res)).isEqualTo(1 + POOL);
      });
      assertThat(one.controlPlane().subscriptionCount()).isLessThanOrEqualTo(subscriptionsBefore);
      one.node().signal("TERM");
      assertThat(one.node().awaitExit(Duration.ofSeconds(20))).isZero();
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }

  @Test
  void restartingTheNodeWithAWorkloadRunningLeavesNoOrphans() throws Exception {
    Path res = dir.resolve("restart");
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url())) {
      for (int run = 0; run < 2; run++) {
        try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, ""))) {
          node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(30));
          DeployClient client = new DeployClient(nc);
          Path echo = Path.of(System.getProperty("echo.native"));
          Envelope deployed = client.deploy("default", node.nodeId(), client.request("restart", "native",
              client.upload("echo", echo), DeployClient.sha256(echo), Map.of("NATS_URL", controlPlane.url()),
              node.nodeId(), client.nodeXkey("default", node.nodeId()), List.of("echo.restart")));
          assertThat(deployed.error()).isNull();
          await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
              .until(() -> nc.request("echo.restart", new byte[0], Duration.ofSeconds(1)) != null);
          node.signal("TERM");
          assertThat(node.awaitExit(Duration.ofSeconds(20))).isZero();
        }
        assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
        assertThat(ProcessScan.processesMentioning("echo.restart")).isEmpty();
      }
    }
  }

  private static List<Path> sandboxDirs(Path res) throws Exception {
    try (Stream<Path> nodes = Files.list(res.resolve("nodes"))) {
      Path node = nodes.findFirst().orElseThrow();
      try (Stream<Path> sandboxes = Files.list(node.resolve("sandboxes"))) {
        return sandboxes.toList();
      }
    }
  }

  private static long internalConnections(Path res) throws Exception {
    try (Stream<Path> nodes = Files.list(res.resolve("nodes"))) {
      Path conf = nodes.findFirst().orElseThrow().resolve("internal/internal-nats.conf");
      Matcher m = Pattern.compile("http: \"127.0.0.1:(\\d+)\"").matcher(Files.readString(conf));
      assertThat(m.find()).isTrue();
      return Monitoring.number("http://127.0.0.1:" + m.group(1) + "/connz", "num_connections");
    }
  }
}
