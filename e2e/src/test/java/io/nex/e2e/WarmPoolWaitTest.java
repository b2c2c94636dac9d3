package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.Envelope;
import io.nex.testkit.Cli;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
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
    Path res = dir.resolve("node");
    Files.createDirectories(res);
    // a real agent; every one after the first takes 12 s to start, so the pool of one refills too
    // slowly for a second deploy
    Path slowAgent = res.resolve("slow-agent.sh");
    Path started = res.resolve("first-agent-started");
    Files.writeString(slowAgent, "#!/bin/sh\nif [ -e '" + started + "' ]; then sleep 12; fi\ntouch '" + started
        + "'\nexec " + Path.of(System.getProperty("java.home"), "bin", "java") + " -cp " + Cli.JAR
        + " io.nex.agent.AgentMain\n");
    Files.setPosixFilePermissions(slowAgent, PosixFilePermissions.fromString("rwx------"));
    try (OneNode one = OneNode.start(dir, client -> "\"sandbox\": \"process\", \"agent_handshake_timeout_ms\": 60000, "
        + "\"agent_path\": \"" + slowAgent + "\"", 1, Duration.ofSeconds(40))) {
      DeployClient client = one.client();
      Path echo = Path.of(System.getProperty("echo.native"));
      String location = client.upload("echo", echo);
      String sha256 = DeployClient.sha256(echo);
      String xkey = client.nodeXkey("default", one.node().nodeId());
      Envelope first = client.deploy("default", one.node().nodeId(), client.request("first", "native", location,
          sha256, Map.of("NATS_URL", one.controlPlane().url()), one.node().nodeId(), xkey, List.of("echo.first")));
      assertThat(first.error()).isNull();
      Envelope second = client.deploy("default", one.node().nodeId(), client.request("second", "native", location,
          sha256, Map.of("NATS_URL", one.controlPlane().url()), one.node().nodeId(), xkey, List.of("echo.second")));
      assertThat(second.error()).isEqualTo("no warm sandbox became ready within 5000 ms");
      assertThat(one.node().isAlive()).isTrue();
    }
  }
}
