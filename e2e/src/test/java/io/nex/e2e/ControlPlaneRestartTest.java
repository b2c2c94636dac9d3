package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.node.natsserver.NatsServerProcess;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane nats-server crashes and comes back on the same port: the node reconnects on
 * its own (its control connection and its trigger connection), its workloads never stopped, it
 * answers {@code $NEX.PING} and its function's triggers again, and it says how many workload log
 * lines it dropped meanwhile.
 */
class ControlPlaneRestartTest {
  private static final Pattern RECONNECTED =
      Pattern.compile("Control plane reconnected after \\d+ ms; (\\d+) log lines dropped while disconnected");
  @TempDir Path dir;

  @Test
  void nodeReconnectsAndItsWorkloadsKeepRunning() throws Exception {
    ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
    int httpPort = NatsServerProcess.freePort();
    Path res = dir.resolve("node");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
        "\"machine_pool_size\": 2, \"http_port\": " + httpPort))) {
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(30));
      String nodeId = node.nodeId();
      try (Connection nc = Nats.connect(controlPlane.url())) {
        DeployClient client = new DeployClient(nc);
        Path echo = Path.of(System.getProperty("echo.jar"));
        Envelope echoDeploy = client.deploy("default", nodeId, client.request("echojar", "jar",
            client.upload("echojar", echo), DeployClient.sha256(echo), Map.of("NATS_URL", controlPlane.url()),
            nodeId, client.nodeXkey("default", nodeId), List.of("echo.restart")));
        assertThat(echoDeploy.error()).as(node.log()).isNull();
        Path ticker = dir.resolve("ticker.sh");
        Files.writeString(ticker, "#!/bin/sh\nwhile true; do echo tick; sleep 0.05; done\n");
        Files.setPosixFilePermissions(ticker, PosixFilePermissions.fromString("rwx------"));
        Envelope tickerDeploy = client.deploy("default", nodeId, client.request("ticker", "native",
            client.upload("ticker", ticker), DeployClient.sha256(ticker), Map.of(), nodeId, null, List.of()));
        assertThat(tickerDeploy.error()).as(node.log()).isNull();
        Path function = Path.of(System.getProperty("echo.js"));
        Envelope functionDeploy = client.deploy("default", nodeId, client.functionRequest("jsecho", "javascript",
            client.upload("jsecho", function), DeployClient.sha256(function), nodeId, List.of("fn.restart")));
        assertThat(functionDeploy.error()).as(node.log()).isNull();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> echoes(nc));
        assertThat(functionEchoes(nc)).as(node.log()).isTrue();
      }

      controlPlane.kill();
      await().atMost(Duration.ofSeconds(10)).until(() -> node.count("Control plane connection lost") == 1);
      HttpResponse<String> down = health(httpPort);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"status\":\"unavailable\"", "\"reason\":\"control plane disconnected\"");
      Thread.sleep(1000); // the ticker keeps logging into the outage
      controlPlane.restart();

      node.awaitLog("Control plane reconnected", 1, Duration.ofSeconds(15));
      Matcher m = RECONNECTED.matcher(node.log());
      assertThat(m.find()).as(node.log()).isTrue();
      assertThat(Long.parseLong(m.group(1))).as("log lines dropped during a second of ticks").isGreaterThan(5);
      try (Connection nc = Nats.connect(controlPlane.url())) {
        Message pong = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> nc.request("$NEX.PING", new byte[0], Duration.ofSeconds(1)), r -> r != null);
        assertThat(new String(pong.getData(), StandardCharsets.UTF_8)).contains(nodeId);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> echoes(nc));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> functionEchoes(nc));
      }
      assertThat(node.log()).contains("Trigger connection to " + controlPlane.url() + " is back");
      await().atMost(Duration.ofSeconds(5)).until(() -> health(httpPort).statusCode() == 200);
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("nex_control_plane_reconnects_total 1.0\n", "nex_workloads{state=\"running\",type=\"jar\"} 1.0\n",
          "nex_workloads{state=\"running\",type=\"native\"} 1.0\n");
      assertThat(metrics.lines().filter(l -> l.startsWith("nex_log_lines_dropped_total "))
          .mapToDouble(l -> Double.parseDouble(l.split(" ")[1])).sum()).isGreaterThan(5);
      assertThat(node.log()).doesNotContain("Workload stopped");
      assertThat(node.isAlive()).isTrue();
    } finally {
      controlPlane.close();
    }
  }

  private static boolean echoes(Connection nc) throws InterruptedException {
    Message reply = nc.request("echo.restart", "still there".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
    return reply != null && "still there".equals(new String(reply.getData(), StandardCharsets.UTF_8));
  }

  private static boolean functionEchoes(Connection nc) throws InterruptedException {
    Message reply = nc.request("fn.restart", "again".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
    return reply != null && "\"again\"".equals(new String(reply.getData(), StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> health(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
