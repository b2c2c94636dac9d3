package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no warm sandbox ready in time, a deploy is refused with that reason and the node carries on. */
class WarmPoolWaitTest {
  @TempDir Path dir;

  @Test
  void deployWithNoWarmSandboxInTimeIsRefused() throws Exception {
    Path res = dir.resolve("slow");
    Files.createDirectories(res);
    // a real agent that takes 12 s to start: the pool of one refills too slowly for a second deploy
    Path slowAgent = res.resolve("slow-agent.sh");
    Files.writeString(slowAgent, "#!/bin/sh\nsleep 12\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
        + " -cp " + Cli.JAR + " io.nex.agent.AgentMain\n");
    Files.setPosixFilePermissions(slowAgent, PosixFilePermissions.fromString("rwx------"));
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url());
        NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
            "\"sandbox\": \"process\", \"agent_handshake_timeout_ms\": 60000, \"agent_path\": \"" + slowAgent + "\""))) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(40));
      DeployClient client = new DeployClient(nc);
      Path echo = Path.of(System.getProperty("echo.native"));
      String location = client.upload("echo", echo);
      String sha256 = DeployClient.sha256(echo);
      String xkey = client.nodeXkey("default", node.nodeId());
      Envelope first = client.deploy("default", node.nodeId(), client.request("first", "native", location, sha256,
          Map.of("NATS_URL", controlPlane.url()), node.nodeId(), xkey, List.of("echo.first")));
      assertThat(first.error()).isNull();
      Envelope second = client.deploy("default", node.nodeId(), client.request("second", "native", location, sha256,
          Map.of("NATS_URL", controlPlane.url()), node.nodeId(), xkey, List.of("echo.second")));
      assertThat(second.error()).isEqualTo("no warm sandbox became ready within 5000 ms");
      assertThat(node.isAlive()).isTrue();
    }
  }
}
