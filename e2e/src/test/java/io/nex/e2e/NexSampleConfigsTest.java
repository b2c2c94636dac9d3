package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nex.api.Json;
import io.nex.node.sandbox.namespace.NamespaceSandboxDriver;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on each of Nex 0.2.7's eight sample node configs (our copies, key for key, in
 * {@code nex-0.2.7-nodeconfigs/}): it either runs (its agent handshakes) or exits 1 with one
 * line that names the key and says what to do — never parses a key and ignores it. The paths
 * point at a temp dir, the public server moves to a free loopback port (tests stay on
 * loopback), and agents get 30 s to handshake on this shared 2-core machine.
 */
class NexSampleConfigsTest {
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "simple.json              | runs",
      "limited_issuers.json     | runs",
      "custom_cni_subnet.json   | runs",
      "nosandbox.json           | runs",
      "autostart_config.json    | runs",
      "public_nats_server.json  | runs",
      "rate_limited.json        | runs where namespace sandboxes do",
      "hostservices_config.json | unknown config field \"host_services_config\": the field is \"host_services\"; rename it",
  })
  void eachSampleRunsOrIsRefusedWithTheKeyAndTheFix(String sample, String outcome) throws Exception {
    Path res = dir.resolve(sample.replace(".json", ""));
    if (outcome.equals("runs where namespace sandboxes do")) {
      // rate_limiters are applied by the namespace sandbox only; elsewhere they are refused
      outcome = NamespaceSandboxDriver.unavailableReason().isEmpty() ? "runs"
          : "config field \"rate_limiters\" is applied only by the namespace sandbox";
    }
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), config(sample, res))) {
      if (outcome.equals("runs")) {
        node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(40));
        node.signal("TERM");
        assertThat(node.awaitExit(Duration.ofSeconds(20))).as(node.log()).isZero();
      } else {
        assertThat(node.awaitExit(Duration.ofSeconds(30))).as(node.log()).isEqualTo(1);
        List<String> lines = node.log().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("one line, no stack trace").hasSize(1);
        assertThat(lines.get(0)).contains(outcome);
      }
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }

  private static String config(String sample, Path res) throws Exception {
    ObjectNode config;
    try (InputStream in = NexSampleConfigsTest.class.getResourceAsStream("/nex-0.2.7-nodeconfigs/" + sample)) {
      config = (ObjectNode) Json.mapper().readTree(in);
    }
    config.put("default_resource_dir", res.toString());
    config.put("agent_handshake_timeout_ms", 30000);
    if (config.has("public_nats_server")) {
      ObjectNode server = (ObjectNode) config.get("public_nats_server");
      server.put("addr", "127.0.0.1");
      try (ServerSocket free = new ServerSocket(0)) {
        server.put("port", free.getLocalPort());
      }
    }
    return Json.mapper().writeValueAsString(config);
  }
}
