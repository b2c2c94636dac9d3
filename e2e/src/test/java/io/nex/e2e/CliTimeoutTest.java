package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.ResponseTypes;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.NodeSignature;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeout} bounds every wait of the CLI, the deploy's answer included: against a node
 * that takes the deploy and never answers, {@code nex run --timeout 3s} gives up after 3 s, not
 * after the 30 s a deploy may take by default.
 */
class CliTimeoutTest {
  // a node the CLI trusts: its answers are signed with its own key, as a real node's are
  private static final NKeyPair NODE_KEY = NKeyPair.create(KeyType.SERVER);
  private static final String NODE = NODE_KEY.publicKey();
  @TempDir Path dir;

  @Test
  void timeoutBoundsTheWaitForTheDeployAnswer() throws Exception {
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url())) {
      Path artifact = Files.writeString(dir.resolve("artifact"), "#!/bin/sh\n");
      String location = new DeployClient(nc).upload("artifact", artifact);
      InfoResponse info = new InfoResponse(NODE, "0", "1s", XKeyPair.create().publicKey(), Map.of(), null,
          List.of("native"), List.of(), "process", List.of(), null);
      Dispatcher node = nc.createDispatcher();
      node.subscribe("$NEX.INFO.default." + NODE, m -> {
        byte[] body = Json.write(Envelope.ok(ResponseTypes.INFO, info));
        nc.publish(m.getReplyTo(), new Headers().put(NodeSignature.SIGNATURE_HEADER,
            NodeSignature.encode(NODE_KEY.sign(NodeSignature.signed(m.getReplyTo(), body)))), body);
      });
      node.subscribe("$NEX.DEPLOY.default." + NODE, m -> { }); // takes the deploy, never answers
      nc.flush(Duration.ofSeconds(2));

      long started = System.nanoTime();
      Cli.Result run = Cli.run("run", location, NODE, "--name", "silent", "--type", "native", "-s",
          controlPlane.url(), "--timeout", "3s");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
      assertThat(run.stderr()).contains("no reply on $NEX.DEPLOY.default." + NODE + " within 3000 ms");
      // 3 s of waiting plus a JVM's start and the lookups, well short of the 30 s default
      assertThat(took).isLessThan(Duration.ofSeconds(15));
    }
  }
}
