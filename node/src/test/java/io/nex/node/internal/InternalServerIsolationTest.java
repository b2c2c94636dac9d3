package io.nex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentReply;
import io.nex.node.session.NatsAgentTransport;
import io.nex.node.session.QuietInbound;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nex.node.natsserver.NatsServerBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real internal nats-server: each sandbox's credentials reach only that sandbox's subjects. */
class InternalServerIsolationTest {
  @TempDir Path dir;
  private InternalServer server;
  private Connection node;

  @BeforeEach
  void start() throws Exception {
    server = InternalServer.start(NatsServerBinary.require(List.of()), dir, "127.0.0.1", 0);
    node = server.connectAsNode("test-node");
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
    server.close();
  }

  @Test
  void newestSandboxIsWiredAsSoonAsItsReloadReturns() throws Exception {
    SandboxCredentials a = server.addSandbox("aaaaaaaaaaaaaaaaaaaa");
    Subscription handshakes = node.subscribe("hostint.*.handshake");
    node.flush(Duration.ofSeconds(2));
    try (Connection agentA = connectWhenReloaded(a, new CopyOnWriteArrayList<>())) {
      agentA.publish("hostint.aaaaaaaaaaaaaaaaaaaa.handshake", "hello".getBytes(StandardCharsets.UTF_8));
      agentA.flush(Duration.ofSeconds(2));
      assertThat(handshakes.nextMessage(Duration.ofSeconds(2))).as("message from the newest sandbox").isNotNull();
    }
  }

  @Test
  void agentAnswersTheNodesRequests() throws Exception {
    SandboxCredentials a = server.addSandbox("aaaaaaaaaaaaaaaaaaaa");
    try (Connection agentA = connectWhenReloaded(a, new CopyOnWriteArrayList<>())) {
      agentA.createDispatcher(m -> agentA.publish(m.getReplyTo(), "pong".getBytes(StandardCharsets.UTF_8)))
          .subscribe("agentint.aaaaaaaaaaaaaaaaaaaa.ping");
      agentA.flush(Duration.ofSeconds(2));
      try (NatsAgentTransport requests = new NatsAgentTransport(node)) {
        requests.start(new QuietInbound());
        node.flush(Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
          AgentReply reply = requests.send("aaaaaaaaaaaaaaaaaaaa", AgentCall.PING, null, new byte[0],
              Duration.ofSeconds(2)).get();
          assertThat(new String(reply.data(), StandardCharsets.UTF_8)).isEqualTo("pong");
          // every sandbox that comes or goes reloads the server; replies must survive it
          server.addSandbox("cccccccccccccccccc" + i + "c");
        }
      }
    }
  }

  @Test
  void aRequestTheAgentNeverAnswersFailsWithATimeoutSoonAfterItsTime() throws Exception {
    // an agent that takes requests and never answers
    node.subscribe("agentint.aaaaaaaaaaaaaaaaaaaa.>");
    try (NatsAgentTransport requests = new NatsAgentTransport(node)) {
      requests.start(new QuietInbound());
      node.flush(Duration.ofSeconds(2));
      long sent = System.nanoTime();
      var reply = requests.send("aaaaaaaaaaaaaaaaaaaa", AgentCall.TRIGGER, null, new byte[0], Duration.ofMillis(300));
      assertThatThrownBy(reply::get).hasCauseInstanceOf(TimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(2));
      assertThatThrownBy(() -> requests.send("aaaaaaaaaaaaaaaaaaaa", AgentCall.PING, null, new byte[0],
          Duration.ofMillis(200)).get()).hasCauseInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void aRequestNobodyListensForComesBackAsNoResponders() throws Exception {
    try (NatsAgentTransport requests = new NatsAgentTransport(node)) {
      requests.start(new QuietInbound());
      node.flush(Duration.ofSeconds(2));
      AgentReply reply = requests.send("dddddddddddddddddddd", AgentCall.DEPLOY, null, new byte[0],
          Duration.ofSeconds(2)).get();
      assertThat(reply.noResponders()).as("nats-server's 503, never a reply with an empty body").isTrue();
    }
  }

  @Test
  void agentReachesItsOwnHostintButNotAnotherSandboxes() throws Exception {
    SandboxCredentials a = server.addSandbox("aaaaaaaaaaaaaaaaaaaa");
    SandboxCredentials b = server.addSandbox("bbbbbbbbbbbbbbbbbbbb");
    Subscription ownA = node.subscribe("hostint.aaaaaaaaaaaaaaaaaaaa.>");
    Subscription otherB = node.subscribe("hostint.bbbbbbbbbbbbbbbbbbbb.>");
    node.flush(Duration.ofSeconds(2));

    List<String> violations = new CopyOnWriteArrayList<>();
    try (Connection agentA = connectWhenReloaded(a, violations)) {
      agentA.publish("hostint.aaaaaaaaaaaaaaaaaaaa.logs", "mine".getBytes(StandardCharsets.UTF_8));
      agentA.publish("hostint.bbbbbbbbbbbbbbbbbbbb.handshake", "forged".getBytes(StandardCharsets.UTF_8));
      agentA.flush(Duration.ofSeconds(2));

      Message own = ownA.nextMessage(Duration.ofSeconds(2));
      assertThat(own).isNotNull();
      assertThat(new String(own.getData(), StandardCharsets.UTF_8)).isEqualTo("mine");
      assertThat(otherB.nextMessage(Duration.ofMillis(300))).isNull();
      await().atMost(Duration.ofSeconds(2)).until(() -> !violations.isEmpty());
      assertThat(violations).anyMatch(v -> v.contains("Publish") && v.contains("bbbbbbbbbbbbbbbbbbbb"));
    }
    assertThat(b.userSeed()).isNotEqualTo(a.userSeed());
  }

  @Test
  void agentHearsItsOwnAgentintButNotAnotherSandboxes() throws Exception {
    SandboxCredentials a = server.addSandbox("aaaaaaaaaaaaaaaaaaaa");
    SandboxCredentials b = server.addSandbox("bbbbbbbbbbbbbbbbbbbb");
    List<String> violations = new CopyOnWriteArrayList<>();
    try (Connection agentA = connectWhenReloaded(a, violations);
        Connection agentB = connectWhenReloaded(b, new CopyOnWriteArrayList<>())) {
      Subscription own = agentA.subscribe("agentint.aaaaaaaaaaaaaaaaaaaa.>");
      Subscription spy = agentA.subscribe("agentint.bbbbbbbbbbbbbbbbbbbb.>");
      Subscription inboxSpy = agentA.subscribe("_INBOX.bbbbbbbbbbbbbbbbbbbb.>");
      Subscription realB = agentB.subscribe("agentint.bbbbbbbbbbbbbbbbbbbb.>");
      agentA.flush(Duration.ofSeconds(2));
      agentB.flush(Duration.ofSeconds(2));

      node.publish("agentint.aaaaaaaaaaaaaaaaaaaa.deploy", "for-a".getBytes(StandardCharsets.UTF_8));
      node.publish("agentint.bbbbbbbbbbbbbbbbbbbb.deploy", "for-b".getBytes(StandardCharsets.UTF_8));
      node.flush(Duration.ofSeconds(2));

      assertThat(own.nextMessage(Duration.ofSeconds(2))).isNotNull();
      assertThat(realB.nextMessage(Duration.ofSeconds(2))).isNotNull();
      node.publish("_INBOX.bbbbbbbbbbbbbbbbbbbb.reply", "for-b-only".getBytes(StandardCharsets.UTF_8));
      node.flush(Duration.ofSeconds(2));
      assertThat(spy.nextMessage(Duration.ofMillis(300))).isNull();
      assertThat(inboxSpy.nextMessage(Duration.ofMillis(300))).isNull();
      await().atMost(Duration.ofSeconds(2)).until(() -> violations.size() >= 2);
      assertThat(violations).anyMatch(v -> v.contains("Subscription") && v.contains("agentint.bbbbbbbbbbbbbbbbbbbb"));
      assertThat(violations).anyMatch(v -> v.contains("Subscription") && v.contains("_INBOX.bbbbbbbbbbbbbbbbbbbb"));
    }
  }

  @Test
  void removedSandboxCanNoLongerConnect() throws Exception {
    SandboxCredentials a = server.addSandbox("aaaaaaaaaaaaaaaaaaaa");
    connectWhenReloaded(a, new CopyOnWriteArrayList<>()).close();
    server.removeSandbox("aaaaaaaaaaaaaaaaaaaa");
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      try (Connection c = Nats.connect(options(a, new CopyOnWriteArrayList<>()))) {
        return false;
      } catch (Exception e) {
        return true;
      }
    });
  }

  private Connection connectWhenReloaded(SandboxCredentials credentials, List<String> violations) {
    return await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
        .until(() -> Nats.connect(options(credentials, violations)), c -> c != null);
  }

  private Options options(SandboxCredentials credentials, List<String> violations) {
    return new Options.Builder()
        .server(server.clientUrl())
        .authHandler(Nats.staticCredentials(null, credentials.userSeed().toCharArray()))
        .inboxPrefix(InternalServerConfig.inboxPrefix(credentials.sandboxId()))
        .connectionTimeout(Duration.ofSeconds(1))
        .noReconnect()
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            violations.add(error);
          }
        })
        .build();
  }
}
