package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.testkit.Cli;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with no sandbox configured picks `namespace` where the host allows it, and workloads
 * run behind its walls: the echo still reaches NATS, escapes fail, a memory hog is killed by the
 * limit and reported as such, and nothing is left after the node stops.
 */
class NamespaceNodeTest {
  @TempDir static Path dir;
  static OneNode one;

  @BeforeAll
  static void start() throws Exception {
    NamespaceSandboxes.assumeAvailable();
    one = OneNode.start(dir, client -> "\"machine_pool_size\": 2, \"machine_template\": {\"memsize_mib\": 192}", 2,
        Duration.ofSeconds(40));
  }

  @AfterAll
  static void stop() throws Exception {
    if (one != null) {
      List<String> sandboxIds = sandboxIds();
      one.node().signal("TERM");
      assertThat(one.node().awaitExit(Duration.ofSeconds(20))).isZero();
      for (String id : sandboxIds) {
        for (String controller : List.of("memory", "pids", "cpu")) {
          assertThat(Path.of("/sys/fs/cgroup", controller, "nex", id)).doesNotExist();
        }
        assertThat(Path.of("/sys/fs/cgroup/nex", id)).doesNotExist();
      }
      one.close(); // the node has exited already: this closes the connection and the control plane
    }
  }

  private static List<String> sandboxIds() {
    Matcher m = Pattern.compile("Sandbox started kind=namespace vmid=([0-9a-v]{20})").matcher(one.node().log());
    List<String> ids = new java.util.ArrayList<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static RunResponse deployNative(String name, Path artifact, Map<String, String> env, String... argv)
      throws Exception {
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    Envelope reply = client.deploy("default", nodeId, client.request(name, "native", client.upload(name, artifact),
        DeployClient.sha256(artifact), env, nodeId, client.nodeXkey("default", nodeId), List.of(argv)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    return reply.dataAs(RunResponse.class);
  }

  private static Path script(String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void theNodeChoseNamespaceAndSaysWhy() throws Exception {
    assertThat(one.node().log()).contains("Sandbox manager starting sandbox=namespace reason=\"strongest available");
    JsonNode info = Json.mapper().readTree(Cli.run("node", "info", one.node().nodeId(), "-s", one.controlPlane().url(),
        "--json").stdout());
    assertThat(info.get("sandbox").asText()).isEqualTo("namespace");
    assertThat(info.get("tags").has("nex.unsafe")).isFalse();
  }

  @Test
  void theEchoServiceReachesNatsFromInsideItsNamespace() throws Exception {
    RunResponse run = deployNative("nsecho", Path.of(System.getProperty("echo.native")),
        Map.of("NATS_URL", one.controlPlane().url()), "echo.ns");
    try {
      byte[] payload = "through the walls".getBytes();
      var reply = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> one.connection().request("echo.ns", payload, Duration.ofSeconds(1)), r -> r != null);
      assertThat(reply.getData()).isEqualTo(payload);
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "nsecho");
    }
  }

  @Test
  void aFunctionAnswersThroughTheTriggerSocketItsAgentOwns() throws Exception {
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    Path script = Path.of(System.getProperty("echo.js"));
    Envelope reply = client.deploy("default", nodeId, client.functionRequest("nsfn", "javascript",
        client.upload("nsfn", script), DeployClient.sha256(script), nodeId, List.of("fn.ns.>")));
    assertThat(reply.error()).as(one.node().log()).isNull();
    String id = reply.dataAs(RunResponse.class).id();
    try {
      for (int i = 0; i < 20; i++) {
        byte[] answer = one.connection().request("fn.ns." + i, ("call " + i).getBytes(), Duration.ofSeconds(5)).getData();
        assertThat(new String(answer)).isEqualTo("\"call " + i + "\"");
      }
      // the agent gave up its listener once the node's connection was taken
      try (var files = Files.find(one.resources(), 8, (path, attrs) -> path.getFileName().toString()
          .equals(AgentDeployRequest.TRIGGER_SOCKET_FILE))) {
        assertThat(files).isEmpty();
      }
    } finally {
      client.stop("default", nodeId, id, "nsfn");
    }
  }

  @Test
  void escapesFromAWorkloadFail() throws Exception {
    Path secretOutside = dir.resolve("host-secret.txt");
    Files.writeString(secretOutside, "host-only");
    Path escape = script("escape.sh", String.join("\n",
        "cat " + secretOutside + " 2>/dev/null && echo ESCAPE read-host-file",
        "[ -n \"$(ls -A /root 2>/dev/null)\" ] && echo ESCAPE list-root",
        // the work dir is mounted at its host path, so its parents exist as bare mount points:
        // what must stay invisible is their content
        "cat " + one.resources().resolve("node.json") + " >/dev/null 2>&1 && echo ESCAPE read-node-config",
        "ls " + one.resources() + "/nodes/*/internal >/dev/null 2>&1 && echo ESCAPE see-internal-server-dir",
        "echo x > " + dir.resolve("written-from-sandbox") + " 2>/dev/null && echo ESCAPE write-outside",
        "kill -0 " + one.node().pid() + " 2>/dev/null && echo ESCAPE signal-node",
        "[ $(ls /proc | grep -c '^[0-9]') -lt 20 ] || echo ESCAPE sees-host-processes",
        "env | grep -qi -e nats_user -e creds -e NEX_NODE_NATS_NKEY_SEED && echo ESCAPE credentials-in-env",
        "echo DONE",
        "exec sleep 600", ""));
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      RunResponse run = deployNative("escape", escape, Map.of());
      try {
        String logs = "$NEX.logs.default." + one.node().nodeId() + ".escape";
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.any(logs, "DONE"));
        assertThat(recorder.on(logs)).noneMatch(m -> m.body().contains("ESCAPE"));
        assertThat(dir.resolve("written-from-sandbox")).doesNotExist();
      } finally {
        one.client().stop("default", one.node().nodeId(), run.id(), "escape");
      }
    }
  }

  @Test
  void aMemoryHogIsKilledByTheLimitAndTheNodeSaysSo() throws Exception {
    Path hog = script("hog.sh", "head -c 2000000000 /dev/zero | tail\n");
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      RunResponse run = deployNative("hog", hog, Map.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> recorder.any("$NEX.events.default.workload_undeployed", run.id()));
      assertThat(recorder.on("$NEX.events.default.workload_undeployed"))
          .anyMatch(m -> m.body().contains(run.id()) && m.body().contains("killed by the memory limit"));
    }
    assertThat(one.node().isAlive()).isTrue();
    assertThat(Cli.run("node", "ls", "-s", one.controlPlane().url(), "--timeout", "1s").stdout())
        .contains(one.node().nodeId());
  }
}
