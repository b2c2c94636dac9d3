package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed page end to end: node up, warm pool, handshakes, node ls / info, and a clean stop. */
class NodeUpTest {
  private static final Duration READY = Duration.ofSeconds(30);
  @TempDir static Path dir;
  static ControlPlaneServer controlPlane;

  @BeforeAll
  static void startControlPlane() throws Exception {
    controlPlane = ControlPlaneServer.start(dir);
  }

  @AfterAll
  static void stopControlPlane() {
    controlPlane.close();
  }

  @Test
  void poolOfThreeHandshakesListsTheNodeAndStopsWithoutOrphans() throws Exception {
    Path resources = dir.resolve("pool3");
    try (NodeProcess node = NodeProcess.start(resources, controlPlane.url(),
        NodeProcess.config(resources, "\"machine_pool_size\": 3, \"sandbox\": \"process\""))) {
      node.awaitLog("Received agent handshake message=\"Host-supplied metadata\"", 3, READY);
      String id = node.nodeId();

      assertLogTellsTheSeedsStory(node.log());
      assertThat(ProcessScan.processesMentioning(resources.toString())).hasSizeGreaterThanOrEqualTo(4);

      Cli.Result table = Cli.run("node", "ls", "-s", controlPlane.url(), "--timeout", "1s");
      assertThat(table.exitCode()).as(table.stderr()).isZero();
      assertThat(table.stdout()).contains("NATS Execution Nodes", "│ ID", "│ Version", "│ Uptime", "│ Workloads", id);
      assertThat(table.stdout().lines().filter(l -> l.contains(id)).findFirst().orElseThrow()).endsWith(" 0 │");

      Cli.Result json = Cli.run("node", "ls", "-s", controlPlane.url(), "--timeout", "1s", "--json");
      JsonNode nodes = Json.mapper().readTree(json.stdout());
      assertThat(nodes).hasSize(1);
      assertThat(nodes.get(0).get("node_id").asText()).isEqualTo(id);
      assertThat(nodes.get(0).get("running_machines").asInt()).isZero();
      assertThat(nodes.get(0).get("target_xkey").asText()).startsWith("X");
      assertThat(nodes.get(0).get("tags").get("nex.unsafe").asText()).isEqualTo("true");

      Cli.Result info = Cli.run("node", "info", id, "-s", controlPlane.url(), "--json");
      assertThat(info.exitCode()).as(info.stderr()).isZero();
      JsonNode infoJson = Json.mapper().readTree(info.stdout());
      assertThat(infoJson.get("sandbox").asText()).isEqualTo("process");
      assertThat(infoJson.get("pool")).hasSize(3);
      infoJson.get("pool").forEach(agent -> assertThat(agent.get("state").asText()).isEqualTo("ready"));
      assertThat(infoJson.get("public_xkey").asText()).isEqualTo(nodes.get(0).get("target_xkey").asText());

      Cli.Result infoText = Cli.run("node", "info", id, "-s", controlPlane.url());
      assertThat(infoText.stdout()).contains("NEX Node Information", "Xkey:", "Sandbox:", "process", "ready");

      node.signal("TERM");
      assertThat(node.awaitExit(Duration.ofSeconds(15))).as(node.log()).isZero();
    }
    assertThat(ProcessScan.processesMentioning(resources.toString())).isEmpty();
    assertThat(resources.resolve("nodes")).satisfies(p -> assertThat(Files.list(p).count()).isZero());
  }

  private static void assertLogTellsTheSeedsStory(String log) {
    List<String> inOrder = List.of(
        "Established node NATS connection to: " + controlPlane.url(),
        "Loaded node configuration from",
        "Sandbox manager starting sandbox=process",
        "Internal NATS server started client_url=\"nats://127.0.0.1:",
        "Use this key as the recipient for encrypted run requests public_xkey=X",
        "NATS execution engine awaiting commands id=N",
        "Sandbox started kind=process vmid=",
        "Adding new sandbox to warm pool vmid=",
        "Received agent handshake message=\"Host-supplied metadata\" vmid=");
    int at = 0;
    for (String expected : inOrder) {
      int found = log.indexOf(expected, at);
      assertThat(found).as("'" + expected + "' after position " + at + " in:\n" + log).isGreaterThanOrEqualTo(0);
      at = found;
    }
  }

  @Test
  void twoNodesOnOneControlPlaneAreBothListed() throws Exception {
    Path a = dir.resolve("two-a");
    Path b = dir.resolve("two-b");
    try (NodeProcess first = NodeProcess.start(a, controlPlane.url(), NodeProcess.config(a, ""));
        NodeProcess second = NodeProcess.start(b, controlPlane.url(), NodeProcess.config(b, ""))) {
      first.awaitLog("Received agent handshake", 1, READY);
      second.awaitLog("Received agent handshake", 1, READY);
      Cli.Result ls = Cli.run("node", "ls", "-s", controlPlane.url(), "--timeout", "1s", "--json");
      JsonNode nodes = Json.mapper().readTree(ls.stdout());
      assertThat(nodes).extracting(n -> n.get("node_id").asText())
          .containsExactlyInAnyOrder(first.nodeId(), second.nodeId());
      assertThat(first.nodeId()).isNotEqualTo(second.nodeId());
    }
  }

  @Test
  void pingAnswersEveryNodeAndOneNodeByItsId() throws Exception {
    Path res = dir.resolve("ping");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, ""));
        io.nats.client.Connection nc = io.nats.client.Nats.connect(controlPlane.url())) {
      node.awaitLog("awaiting commands", 1, READY);
      io.nats.client.Message reply = nc.request("$NEX.PING." + node.nodeId(), new byte[0], Duration.ofSeconds(2));
      JsonNode envelope = Json.mapper().readTree(reply.getData());
      assertThat(envelope.get("type").asText()).isEqualTo("io.nats.nex.v1.ping_response");
      assertThat(envelope.get("error").isNull()).isTrue();
      assertThat(envelope.get("data").get("node_id").asText()).isEqualTo(node.nodeId());
      assertThat(envelope.get("data").get("version").asText()).isNotBlank();
    }
  }
}
