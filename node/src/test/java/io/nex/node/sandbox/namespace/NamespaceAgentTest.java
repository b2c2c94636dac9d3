package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentMetadata;
import io.nex.api.agent.HandshakeRequest;
import io.nex.node.config.NodeConfig.MachineTemplate;
import io.nex.node.internal.InternalServer;
import io.nex.node.internal.SandboxCredentials;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.sandbox.SandboxIds;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentReply;
import io.nex.node.session.NatsAgentTransport;
import io.nex.node.session.QuietInbound;
import io.nex.node.sandbox.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent, launched by the driver, handshakes with a real internal server through the bridge. */
class NamespaceAgentTest {
  @TempDir Path dir;

  @BeforeAll
  static void hostCanRunThem() {
    SandboxHarness.assumeHostCanRunNamespaceSandboxes();
  }

  @Test
  void agentHandshakesAndAnswersPingsThroughTheBridge() throws Exception {
    try (InternalServer internal = InternalServer.start(NatsServerBinary.require(List.of()), dir.resolve("internal"),
            "127.0.0.1", 0);
        SandboxHarness sandboxes = SandboxHarness.open(dir, List.of())) {
      Connection node = internal.connectAsNode("test-node");
      String id = SandboxIds.next();
      SandboxCredentials credentials = internal.addSandbox(id);
      CompletableFuture<Message> handshake = new CompletableFuture<>();
      node.createDispatcher(msg -> {
        handshake.complete(msg);
        node.publish(msg.getReplyTo(), "{}".getBytes(StandardCharsets.UTF_8));
      }).subscribe(Subjects.handshake(id));
      node.flush(Duration.ofSeconds(2));
      SandboxSpec spec = new SandboxSpec(id, new AgentMetadata(id, internal.host(), internal.port(),
          credentials.userSeed(), AgentMetadata.HOST_SUPPLIED), new MachineTemplate(1, 256, 1024),
          dir.resolve("sandboxes").resolve(id));

      long started = System.nanoTime();
      NamespaceSandbox sandbox = sandboxes.driver().launch(spec);
      Message received = handshake.get(30, TimeUnit.SECONDS);
      System.out.printf("namespace sandbox: launch to handshake %d ms%n", (System.nanoTime() - started) / 1_000_000);

      assertThat(Json.read(received.getData(), HandshakeRequest.class).message()).isEqualTo(AgentMetadata.HOST_SUPPLIED);
      try (NatsAgentTransport requests = new NatsAgentTransport(node)) {
        requests.start(new QuietInbound());
        AgentReply pong = requests.send(id, AgentCall.PING, null, new byte[0], Duration.ofSeconds(5)).get();
        assertThat(new String(pong.data(), StandardCharsets.UTF_8)).isEqualTo("OK");
      }
      assertThat(sandbox.isAlive()).isTrue();
      sandboxes.destroyAndCheck(sandbox, spec);
      internal.removeSandbox(id);
      node.close();
    }
  }
}
