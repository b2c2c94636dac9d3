package io.nex.node.session;

import static io.nex.node.session.FakeAgentTransport.answer;
import static io.nex.node.session.FakeAgentTransport.first;
import static io.nex.node.session.FakeAgentTransport.nobody;
import static io.nex.node.session.FakeAgentTransport.silent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session's calls, retries and states against a scripted transport: no nats-server. */
class AgentSessionTest {
  private static final AgentDeployRequest DEPLOY = new AgentDeployRequest(List.of(), "test", Map.of("K", "V"), false,
      "00", "default", null, 0, 4, List.of(), "echo", "native", 64, 500, 12288, false, false);

  @TempDir Path dir;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private FakeSandboxSource sandboxes;
  private AgentSessions sessions;
  private final AtomicInteger readyCalls = new AtomicInteger();

  @BeforeEach
  void open() {
    sandboxes = new FakeSandboxSource(dir, true);
    sessions = new AgentSessions(sandboxes, transport, Duration.ofSeconds(2));
    sessions.onReady(readyCalls::incrementAndGet);
    sessions.start();
  }

  @AfterEach
  void close() {
    sessions.close();
  }

  private AgentSession readySession() throws Exception {
    AgentSession session = sessions.launch();
    assertThat(transport.inbound().handshake(session.id(), "Host-supplied metadata")).isTrue();
    assertThat(session.state()).isEqualTo(SessionState.READY);
    return session;
  }

  @Test
  void aDeployThatFindsNobodyIsSentAgainUntilTheAgentListens() throws Exception {
    transport.when(AgentCall.DEPLOY, first(3, nobody(), answer(new DeployAck(true, "Workload deployed"))));
    AgentSession session = readySession();

    DeployAck ack = session.deploy(DEPLOY, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

    assertThat(ack.accepted()).isTrue();
    assertThat(transport.sent(AgentCall.DEPLOY)).hasSize(4);
    assertThat(session.state()).isEqualTo(SessionState.DEPLOYED);
  }

  @Test
  void aNoResponderNeverPassesForTheAgentsAnswer() throws Exception {
    // the bug this replaces: the 503 status's empty body was parsed as the agent's DeployAck
    transport.when(AgentCall.DEPLOY, nobody());
    AgentSession session = readySession();
    long started = System.nanoTime();

    assertThatThrownBy(() -> session.deploy(DEPLOY, Duration.ofMillis(600)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(AgentCallException.class)
        .hasRootCauseMessage("agent of sandbox " + session.id() + " is not connected");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(550), Duration.ofSeconds(2));
    assertThat(transport.sent(AgentCall.DEPLOY).size()).as("retried within its deadline").isGreaterThan(2);
    assertThat(session.state()).as("readiness revoked").isEqualTo(SessionState.DISCONNECTED);
  }

  @Test
  void anUndeployThatFindsNobodyIsNeverConfirmed() throws Exception {
    transport.when(AgentCall.UNDEPLOY, nobody());
    AgentSession session = readySession();

    assertThatThrownBy(() -> session.undeploy(Duration.ofMillis(300)).get(5, TimeUnit.SECONDS))
        .hasRootCauseMessage("agent of sandbox " + session.id() + " is not connected");
  }

  @Test
  void aCallNobodyAnswersFailsAsSilentNotAsDisconnected() throws Exception {
    transport.when(AgentCall.PING, silent());
    AgentSession session = readySession();

    assertThatThrownBy(() -> session.ping(Duration.ofMillis(200)).get(5, TimeUnit.SECONDS))
        .hasRootCauseMessage("agent of sandbox " + session.id() + " did not answer the ping within 200 ms")
        .satisfies(e -> assertThat(((AgentCallException) e.getCause()).neverReached()).isFalse());
    assertThat(session.state()).as("an unanswered ping revokes readiness").isEqualTo(SessionState.DISCONNECTED);
  }

  @Test
  void aLostDeployIsSentAgainAndTheAgentsAnswerCounts() throws Exception {
    transport.when(AgentCall.DEPLOY, first(1, silent(), answer(new DeployAck(true, "Workload deployed"))));
    AgentSession session = readySession();

    DeployAck ack = session.deploy(DEPLOY, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

    assertThat(ack.accepted()).isTrue();
    assertThat(transport.sent(AgentCall.DEPLOY)).hasSize(2);
    assertThat(transport.sent(AgentCall.DEPLOY).get(1).body()).isEqualTo(transport.sent(AgentCall.DEPLOY).get(0).body());
  }

  @Test
  void aTriggerIsNotSentAgainWhenItGoesUnanswered() throws Exception {
    // a function may have run: only a deploy or a ping, which the agent answers alike twice, is repeated
    transport.when(AgentCall.TRIGGER, silent());
    AgentSession session = readySession();

    assertThatThrownBy(() -> session.trigger("orders.x", new byte[0], null, Duration.ofMillis(300)).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(AgentCallException.class);
    assertThat(transport.sent(AgentCall.TRIGGER)).hasSize(1);
  }

  @Test
  void anAgentAnsweringNonsenseIsARefusalWithTheReason() throws Exception {
    transport.when(AgentCall.DEPLOY, answer("not json".getBytes(StandardCharsets.UTF_8)));
    AgentSession session = readySession();

    assertThatThrownBy(() -> session.deploy(DEPLOY, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS))
        .rootCause().hasMessageStartingWith("agent of sandbox " + session.id() + " answered nonsense: ");
  }

  @Test
  void readinessIsRevokedWhenTheConnectionDropsAndGivenBackByARehandshake() throws Exception {
    AgentSession session = readySession();
    int readyBefore = readyCalls.get();

    transport.inbound().connectionLost();
    assertThat(session.state()).isEqualTo(SessionState.DISCONNECTED);

    assertThat(transport.inbound().handshake(session.id(), "Host-supplied metadata")).isTrue();
    assertThat(session.state()).isEqualTo(SessionState.READY);
    assertThat(readyCalls.get()).as("the pool is told").isEqualTo(readyBefore + 1);
  }

  @Test
  void whenTheConnectionReturnsDisconnectedAgentsArePingedBack() throws Exception {
    transport.when(AgentCall.PING, first(2, nobody(), answer("OK".getBytes(StandardCharsets.UTF_8))));
    AgentSession session = readySession();
    transport.inbound().connectionLost();

    transport.inbound().connectionRestored();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (session.state() != SessionState.READY && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(session.state()).isEqualTo(SessionState.READY);
    assertThat(transport.sent(AgentCall.PING)).hasSize(3);
  }

  @Test
  void aDeployedSessionStaysDeployedThroughAReconnect() throws Exception {
    AgentSession session = readySession();
    session.deploy(DEPLOY, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);

    transport.inbound().connectionLost();
    transport.inbound().handshake(session.id(), "Host-supplied metadata");

    assertThat(session.state()).isEqualTo(SessionState.DEPLOYED);
  }

  @Test
  void logsEventsAndTheExitReachTheCurrentListener() throws Exception {
    AgentSession session = readySession();
    List<String> heard = new CopyOnWriteArrayList<>();
    session.listen(new SessionListener() {
      @Override
      public void log(AgentLogLine line) {
        heard.add("log " + line.text());
      }

      @Override
      public void event(String type, WorkloadEvent event) {
        heard.add(type + " " + event.code());
      }

      @Override
      public void exited(int code) {
        heard.add("exited " + code);
      }
    });

    transport.inbound().log(session.id(), new AgentLogLine("workload", 0, "hello"));
    transport.inbound().log("sandbox-unknown", new AgentLogLine("workload", 0, "not ours"));
    transport.inbound().event(session.id(), "workload_undeployed", new WorkloadEvent("echo", 3, "exited"));
    sandboxes.get(session.id()).exit(3);

    assertThat(heard).containsExactly("log hello", "workload_undeployed 3", "exited 3");
    assertThat(session.state()).isEqualTo(SessionState.GONE);
  }

  @Test
  void aGoneSessionSendsNothing() throws Exception {
    AgentSession session = readySession();
    sessions.destroy(session);

    assertThatThrownBy(() -> session.ping(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS))
        .hasRootCauseMessage("sandbox " + session.id() + " is gone");
    assertThat(transport.sent(AgentCall.PING)).isEmpty();
    assertThat(sandboxes.destroyed).containsExactly(session.id());
    assertThat(transport.inbound().handshake(session.id(), "late")).as("forgotten").isFalse();
  }
}
