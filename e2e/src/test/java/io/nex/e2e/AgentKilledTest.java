package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.node.sandbox.AgentLaunch;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import io.nex.testkit.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An agent JVM killed with SIGKILL: a deployed workload's is reported undeployed with the exit
 * code and its sandbox (workload process included) is gone; a warm one is replaced.
 */
class AgentKilledTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"process", "namespace"})
  void killedAgentsAreReportedCleanedAndReplaced(String sandbox) throws Exception {
    if (sandbox.equals("namespace")) {
      NamespaceSandboxes.assumeAvailable();
    }
    try (OneNode one = OneNode.start(dir, "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\"", 2);
        EventRecorder events = new EventRecorder(one.connection())) {
      DeployClient client = one.client();
      Path echo = Path.of(System.getProperty("echo.native"));
      Envelope reply = client.deploy("default", one.node().nodeId(), client.request("echokilled", "native",
          client.upload("echokilled", echo), DeployClient.sha256(echo), Map.of("NATS_URL", one.controlPlane().url()),
          one.node().nodeId(), client.nodeXkey("default", one.node().nodeId()), List.of("echo.killed")));
      assertThat(reply.error()).as(one.node().log()).isNull();
      String id = reply.dataAs(RunResponse.class).id();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> one.connection().request("echo.killed", "x".getBytes(StandardCharsets.UTF_8),
              Duration.ofSeconds(1)) != null);
      one.node().awaitLog("Received agent handshake", 3, Duration.ofSeconds(30));
      Path sandboxDir = one.resources().resolve("nodes").resolve(one.node().nodeId()).resolve("sandboxes").resolve(id);
      assertThat(sandboxDir).isDirectory();

      kill9(agentOf(id));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> events.any("$NEX.events.default.workload_undeployed", id));
      assertThat(events.all().stream().filter(e -> e.subject().endsWith("workload_undeployed")).findFirst()
          .orElseThrow().body()).contains("\"reason\":\"agent exited with code 137\"", "\"code\":137");
      await().atMost(Duration.ofSeconds(5)).until(() -> ProcessScan.processesMentioning(id).isEmpty());
      assertThat(sandboxDir).doesNotExist();
      assertThat(one.connection().request("echo.killed", "x".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(500)))
          .as("the echo died with its agent").isNull();

      String warm = one.node().log().lines().filter(l -> l.contains("Received agent handshake"))
          .map(l -> l.replaceAll(".*vmid=(\\S+).*", "$1")).filter(v -> !v.equals(id)).reduce((a, b) -> b).orElseThrow();
      kill9(agentOf(warm));
      one.node().awaitLog("Warm agent exited with code 137; replacing it vmid=" + warm, 1, Duration.ofSeconds(10));
      one.node().awaitLog("Received agent handshake", 4, Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(5)).until(() -> ProcessScan.processesMentioning(warm).isEmpty());
      assertThat(one.node().isAlive()).isTrue();
    }
  }

  static long agentOf(String sandboxId) throws Exception {
    // the JVM itself, not the wrappers (sh, bwrap, setpriv) whose command lines also name it
    List<String> agents = ProcessScan.processesMentioning(sandboxId).stream()
        .filter(p -> p.split(" ")[1].endsWith("/java") && p.contains(AgentLaunch.AGENT_MAIN)).toList();
    assertThat(agents.size()).as("agent JVMs of sandbox " + sandboxId).isEqualTo(1);
    return Long.parseLong(agents.get(0).substring(0, agents.get(0).indexOf(':')));
  }

  private static void kill9(long pid) {
    ProcessHandle agent = ProcessHandle.of(pid).orElseThrow();
    agent.destroyForcibly();
    agent.onExit().join();
  }
}
