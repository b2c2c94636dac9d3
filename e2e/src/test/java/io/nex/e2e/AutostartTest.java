package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nex.api.Json;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nex's {@code autostart_config.json}, key for key (paths pointed at a temp dir): with its
 * function uploaded to {@code NEXCLIFILES} beforehand, the node deploys it at start and it
 * answers on {@code hello.function}.
 */
class AutostartTest {
  @TempDir Path dir;

  @Test
  void theSampleAutostartFunctionAnswersOnHelloFunction() throws Exception {
    answersAfterAutostart(Path.of(System.getProperty("echo.js")), "\"hello nex\"");
  }

  /**
   * The script shape of Nex's own echo example: an arrow function that logs, spreads the payload
   * into {@code String.fromCharCode} and returns an object: Nex's own {@code echofunction.js},
   * unchanged (examples/nex-v8).
   */
  @Test
  void nexsOwnEchoScriptShapeAnswersOnHelloFunction() throws Exception {
    Path script = Path.of(System.getProperty("basedir", ".")).resolve("../examples/nex-v8/echofunction.js");
    answersAfterAutostart(script, "{\"triggered_on\":\"hello.function\",\"payload\":\"hello nex\"}");
  }

  private void answersAfterAutostart(Path function, String expectedReply) throws Exception {
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url())) {
      // what `nex devrun` or `nex run` would have put there before
      nc.objectStoreManagement().create(ObjectStoreConfiguration.builder().name("NEXCLIFILES")
          .storageType(StorageType.Memory).build());
      try (InputStream in = Files.newInputStream(function)) {
        nc.objectStore("NEXCLIFILES").put(ObjectMeta.objectName("echofunctionjs"), in);
      }
      Path res = dir.resolve("node");
      try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), config(res))) {
        node.awaitLog("Autostarted workload name=echofunctionjs type=v8 namespace=default", 1, Duration.ofSeconds(40));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
          Message reply = nc.request("hello.function", "hello nex".getBytes(StandardCharsets.UTF_8),
              Duration.ofSeconds(2));
          assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo(expectedReply);
        });
        node.signal("TERM");
        assertThat(node.awaitExit(Duration.ofSeconds(20))).as(node.log()).isZero();
      }
    }
  }

  private static String config(Path res) throws Exception {
    ObjectNode config;
    try (InputStream in = AutostartTest.class.getResourceAsStream("/nex-0.2.7-nodeconfigs/autostart_config.json")) {
      config = (ObjectNode) Json.mapper().readTree(in);
    }
    config.put("default_resource_dir", res.toString());
    config.put("agent_handshake_timeout_ms", 30000);
    return Json.mapper().writeValueAsString(config);
  }
}
