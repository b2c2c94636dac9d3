package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code host_services.nats_url} is applied, not parsed and ignored: a function's key-value
 * writes land on that server, not on the control plane.
 */
class HostServicesConnectionTest {
  @TempDir Path dir;

  @Test
  void hostServicesActOnTheConfiguredServer() throws Exception {
    Files.createDirectories(dir.resolve("services"));
    try (ControlPlaneServer services = ControlPlaneServer.start(dir.resolve("services"));
        OneNode one = OneNode.start(dir, "\"machine_pool_size\": 1, \"host_services\": {\"nats_url\": \""
            + services.url() + "\"}", 1);
        Connection servicesConnection = Nats.connect(services.url())) {
      assertThat(one.node().log()).contains("Host services connect to " + services.url());
      Path kv = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/functions/kv.js");
      DeployClient client = one.client();
      Envelope reply = client.deploy("default", one.node().nodeId(), client.functionRequest("kvfn", "javascript",
          client.upload("kvfn", kv), DeployClient.sha256(kv), one.node().nodeId(), List.of("fn.kv")));
      assertThat(reply.error()).as(one.node().log()).isNull();

      Message answer = one.connection().request("fn.kv", "remember me".getBytes(StandardCharsets.UTF_8),
          Duration.ofSeconds(5));
      assertThat(answer).isNotNull();
      assertThat(new String(servicesConnection.keyValue("hs_default_kvfn_kv").get("last").getValue(),
          StandardCharsets.UTF_8)).isEqualTo("remember me");
      assertThat(one.connection().keyValueManagement().getBucketNames()).doesNotContain("hs_default_kvfn_kv");
    }
  }
}
