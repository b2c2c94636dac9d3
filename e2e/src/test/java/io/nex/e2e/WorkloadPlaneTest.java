package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.testkit.Cli;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's control-plane attempts, made from inside a namespace-sandboxed native workload that
 * speaks NATS itself (socat and printf, over the control plane's port as the sandbox has it): it
 * cannot read the logs, pose as a node (ping, auction, deploy) or catch other clients' replies,
 * and cannot forge a log line or an event, while the echo service still answers {@code nex req}
 * from the host and the node's own function keeps answering.
 */
class WorkloadPlaneTest {
  private static final List<String> REFUSED_SUBSCRIPTIONS = List.of("$NEX.logs.>", "$NEX.PING", "$NEX.AUCTION",
      "$NEX.DEPLOY.>", "$NEX.INFO.>", "$NEX.events.>", "_INBOX.>", ">", "$SYS.>", "$JS.>", "$KV.>", "$O.>");

  @TempDir static Path dir;
  static OneNode one;

  @BeforeAll
  static void start() throws Exception {
    NamespaceSandboxes.assumeAvailable();
    one = OneNode.start(dir, client -> "\"machine_pool_size\": 3, \"machine_template\": {\"memsize_mib\": 192}", 3,
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (one != null) {
      one.close();
    }
  }

  private static String deployNative(String name, Path artifact, Map<String, String> env, String... argv) throws Exception {
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    Envelope reply = client.deploy("default", nodeId, client.request(name, "native", client.upload(name, artifact),
        DeployClient.sha256(artifact), env, nodeId, client.nodeXkey("default", nodeId), List.of(argv)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    return reply.dataAs(RunResponse.class).id();
  }

  /** A raw NATS client: everything the server (through the bridge) says comes back as a log line. */
  private static Path attacker(String nodeId) throws Exception {
    StringBuilder ops = new StringBuilder("printf 'CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\\r\\n'\n");
    int sid = 0;
    for (String subject : REFUSED_SUBSCRIPTIONS) {
      ops.append("printf 'SUB %s " + ++sid + "\\r\\n' '" + subject + "'\n");
    }
    ops.append("printf 'SUB attack.control 99\\r\\n'\n")
        .append("printf 'PUB %s 6\\r\\nFORGED\\r\\n' '$NEX.logs.default." + nodeId + ".victim.1'\n")
        .append("printf 'PUB %s 6\\r\\nFORGED\\r\\n' '$NEX.events.default.workload_deployed'\n")
        .append("printf 'PUB %s 6\\r\\nFORGED\\r\\n' '$NEX.PING'\n")
        .append("printf 'PUB attack.ack 2\\r\\nok\\r\\n'\n")
        .append("sleep 60\n");
    Path file = dir.resolve("attacker.sh");
    Files.writeString(file, "#!/bin/sh\n(\n" + ops + ") | socat -T70 - TCP:127.0.0.1:$CONTROL_PLANE_PORT"
        + " | sed -u 's/\\r$//; s/^/got: /'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void aWorkloadCannotReadForgeOrPoseOnTheControlPlane() throws Exception {
    String nodeId = one.node().nodeId();
    String logs = "$NEX.logs.default." + nodeId + ".attacker";
    int port = URI.create(one.controlPlane().url()).getPort();
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      Subscription ack = one.connection().subscribe("attack.ack");
      one.connection().flush(Duration.ofSeconds(2));
      String id = deployNative("attacker", attacker(nodeId), Map.of("CONTROL_PLANE_PORT", String.valueOf(port)));
      try {
        // its last publish arrived: the forgeries before it had their chance
        assertThat(ack.nextMessage(Duration.ofSeconds(30))).as(one.node().log()).isNotNull();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.on(logs).stream()
            .filter(m -> m.body().contains("Permissions Violation for Subscription")).count() == REFUSED_SUBSCRIPTIONS.size());
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.on(logs).stream()
            .filter(m -> m.body().contains("Permissions Violation for Publish")).count() == 3);

        // what a fake node would wait for: a ping, an auction, a deploy with a sealed environment
        Cli.Result ls = Cli.run("node", "ls", "-s", one.controlPlane().url(), "--timeout", "1s", "--json");
        assertThat(ls.stdout()).contains(nodeId);
        one.connection().request("$NEX.AUCTION", "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
        one.connection().publish("$NEX.DEPLOY.default.NFAKENODE", "SEALED-SECRET".getBytes(StandardCharsets.UTF_8));
        one.connection().publish("_INBOX.someone.1", "INBOX-SECRET".getBytes(StandardCharsets.UTF_8));
        one.connection().publish("attack.control", "CONTROL-OK".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.any(logs, "got: CONTROL-OK"));

        List<String> got = recorder.on(logs).stream().map(EventRecorder.Recorded::body).toList();
        assertThat(got).filteredOn(l -> l.contains("got: MSG")).as(String.join("\n", got))
            .allMatch(l -> l.contains("got: MSG attack.control 99"));
        assertThat(got).noneMatch(l -> l.contains("SECRET"));
        assertThat(recorder.all()).noneMatch(m -> m.body().contains("FORGED"));
        assertThat(recorder.on("$NEX.logs.default." + nodeId + ".victim")).isEmpty();
        // the node still lists itself once, and only itself
        assertThat(ls.stdout().split("\"node_id\"", -1)).hasSize(2);
      } finally {
        one.client().stop("default", nodeId, id, "attacker");
      }
    }
  }

  @Test
  void theEchoServiceAnswersNexReqAndTheNodesFunctionKeepsWorking() throws Exception {
    String echo = deployNative("planeecho", Path.of(System.getProperty("echo.native")),
        Map.of("NATS_URL", one.controlPlane().url()), "echo.plane");
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    Path script = Path.of(System.getProperty("echo.js"));
    Envelope fn = client.deploy("default", nodeId, client.functionRequest("planefn", "javascript",
        client.upload("planefn", script), DeployClient.sha256(script), nodeId, List.of("fn.plane.>")));
    assertThat(fn.error()).as(one.node().log()).isNull();
    try {
      Cli.Result req = await().atMost(Duration.ofSeconds(20)).until(
          () -> Cli.run("req", "echo.plane", "through the plane", "-s", one.controlPlane().url(), "--timeout", "2s"),
          r -> r.exitCode() == 0);
      assertThat(req.stdout().strip()).isEqualTo("through the plane");
      Message answer = one.connection().request("fn.plane.1", "call".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
      assertThat(new String(answer.getData(), StandardCharsets.UTF_8)).isEqualTo("\"call\"");
    } finally {
      client.stop("default", nodeId, echo, "planeecho");
      client.stop("default", nodeId, fn.dataAs(RunResponse.class).id(), "planefn");
    }
  }
}
