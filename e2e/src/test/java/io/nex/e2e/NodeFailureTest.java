package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.node.natsserver.NatsServerProcess;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** What a node does when it cannot do its job: say why in one line, exit non-zero, leave nothing. */
// alone: bounds how soon the node exits after a missed handshake
@Isolated
class NodeFailureTest {
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
  void agentThatNeverHandshakesStopsTheNodeWithinTheTimeoutAndLeavesNoProcess() throws Exception {
    Path res = dir.resolve("silent");
    Files.createDirectories(res);
    Path silentAgent = res.resolve("silent-agent.sh");
    Files.writeString(silentAgent, "#!/bin/sh\nexec sleep 600\n");
    Files.setPosixFilePermissions(silentAgent, PosixFilePermissions.fromString("rwx------"));
    int timeoutMs = 1500;
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
        "\"sandbox\": \"process\", \"agent_handshake_timeout_ms\": " + timeoutMs + ", \"agent_path\": \"" + silentAgent + "\""))) {
      node.awaitLog("Adding new sandbox to warm pool", 1, Duration.ofSeconds(30));
      long addedAt = System.nanoTime();
      int code = node.awaitExit(Duration.ofMillis(timeoutMs + 2000));
      long tookMs = (System.nanoTime() - addedAt) / 1_000_000;
      assertThat(code).as("exit code after %d ms; log:\n%s", tookMs, node.log()).isNotIn(0, -1);
      assertThat(node.log()).contains("Did not receive a handshake from agent vmid=")
          .contains("within " + timeoutMs + " ms");
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }

  @Test
  void unknownConfigFieldExitsOneNamingTheField() throws Exception {
    Path res = dir.resolve("badconfig");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, "\"machine_pool_sise\": 2"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
      assertThat(node.log().strip()).isEqualTo("nex: unknown config field \"machine_pool_sise\": remove it, or check its spelling");
    }
  }

  @Test
  void badConfigValueExitsOneNamingTheField() throws Exception {
    Path res = dir.resolve("badvalue");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, "\"machine_pool_size\": 0"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
      assertThat(node.log().strip()).startsWith("nex: bad value for config field \"machine_pool_size\"");
    }
  }

  @Test
  void unreachableControlPlaneExitsOneNamingTheUrl() throws Exception {
    Path res = dir.resolve("unreachable");
    String url = "nats://127.0.0.1:" + NatsServerProcess.freePort();
    try (NodeProcess node = NodeProcess.start(res, url, NodeProcess.config(res, ""))) {
      assertThat(node.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
      assertThat(node.log().strip().lines()).last().asString()
          .startsWith("nex: cannot connect to the control plane at " + url);
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }

  @Test
  void sigintAlsoStopsCleanly() throws Exception {
    Path res = dir.resolve("sigint");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, "\"machine_pool_size\": 2"))) {
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(30));
      node.signal("INT");
      assertThat(node.awaitExit(Duration.ofSeconds(15))).as(node.log()).isZero();
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }
}
