package io.nex.node.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.agent.workload.SandboxUse;
import io.nex.agent.workload.WorkloadHost;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentSpan;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.TriggerResult;
import io.nex.api.trace.TraceParent;
import io.nex.node.internal.InternalServer;
import io.nex.node.internal.SandboxCredentials;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.sandbox.SandboxIds;
import io.nex.node.session.AgentCallException;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeSandboxSource;
import io.nex.node.session.NatsAgentTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger path a VM's function takes ({@code agentint.{id}.trigger}, no trigger socket): the
 * node's {@link NatsTriggerLink} and the agent's real workload host, each on its own connection to
 * a real internal nats-server with the sandbox's own credentials.
 */
class NatsTriggerPathTest {
  private static final String FUNCTION = """
      (subject, payload) => {
        const text = new TextDecoder().decode(payload);
        if (text === 'fail') { throw new Error('told to fail'); }
        if (text === 'spin') { for (;;) {} }
        return subject + ' ' + text;
      }
      """;

  @TempDir Path dir;
  private InternalServer server;
  private Connection node;
  private Connection agent;
  private WorkloadHost workload;
  private AgentSessions sessions;
  private AgentSession session;
  private volatile String nextId;
  private String sandboxId;

  @BeforeEach
  void deployAFunctionWithoutATriggerSocket() throws Exception {
    server = InternalServer.start(NatsServerBinary.require(List.of()), dir.resolve("internal"), "127.0.0.1", 0);
    node = server.connectAsNode("test-node");
    // the agents' sandboxes are not started: the test runs the agent's side itself, on its own connection
    sessions = new AgentSessions(new FakeSandboxSource(dir, false, () -> nextId), new NatsAgentTransport(node),
        Duration.ofSeconds(5));
    sessions.start();
    sandboxId = SandboxIds.next();
    SandboxCredentials credentials = server.addSandbox(sandboxId);
    agent = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> Nats.connect(agentOptions(credentials)), c -> c != null);

    Path workDir = Files.createDirectories(dir.resolve("sandbox"));
    byte[] artifact = FUNCTION.getBytes(UTF_8);
    Files.write(workDir.resolve(AgentDeployRequest.ARTIFACT_FILE), artifact);
    workload = new WorkloadHost(agent, sandboxId, workDir, Optional.empty(), new SandboxUse());
    workload.warmUp();
    agent.createDispatcher().subscribe(Subjects.agentDeploy(sandboxId), workload::handleDeploy);
    agent.flush(Duration.ofSeconds(5));
    node.flush(Duration.ofSeconds(5));

    AgentDeployRequest deploy = new AgentDeployRequest(List.of(), "test", Map.of(), false, "00", "default", null, 0,
        artifact.length, List.of("orders.>"), "fn", "javascript", 64, 500, 12288, false, false);
    session = sessionOf(sandboxId);
    DeployAck ack = session.deploy(deploy, Duration.ofSeconds(30)).get();
    assertThat(ack.accepted()).as(ack.message()).isTrue();
  }

  private AgentSession sessionOf(String id) throws Exception {
    nextId = id;
    return sessions.launch();
  }

  @AfterEach
  void stop() throws Exception {
    if (workload != null) {
      workload.shutdown();
    }
    if (agent != null) {
      agent.close();
    }
    if (sessions != null) {
      sessions.close();
    }
    if (node != null) {
      node.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void manyTriggersInFlightEachGetTheirOwnOutputAndRunTime() throws Exception {
    try (NatsTriggerLink link = new NatsTriggerLink(session, Duration.ofSeconds(10))) {
      List<CompletableFuture<TriggerResult>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(link.call("orders.eu." + i, ("n" + i).getBytes(UTF_8)));
      }
      for (int i = 0; i < calls.size(); i++) {
        TriggerResult result = calls.get(i).get(30, TimeUnit.SECONDS);
        assertThat(result.isFailure()).as(result.error()).isFalse();
        assertThat(new String(result.output(), UTF_8)).isEqualTo("\"orders.eu." + i + " n" + i + "\"");
        assertThat(result.runtimeNanos()).as("x-nex-runtime-ns").isPositive();
      }
    }
  }

  @Test
  void aTracedTriggerBringsTheAgentsSpansBackInItsReply() throws Exception {
    TraceParent node = TraceParent.newTrace();
    try (NatsTriggerLink link = new NatsTriggerLink(session, Duration.ofSeconds(10))) {
      TriggerResult result = link.call(null, "orders.traced", "t".getBytes(UTF_8), node.header()).get(30, TimeUnit.SECONDS);
      assertThat(new String(result.output(), UTF_8)).isEqualTo("\"orders.traced t\"");
      assertThat(result.spans()).extracting(AgentSpan::name).containsExactlyInAnyOrder("agent trigger", "function run");
      AgentSpan agentSpan = result.spans().stream().filter(s -> s.name().equals("agent trigger")).findFirst().orElseThrow();
      assertThat(agentSpan.parentSpanId()).isEqualTo(node.spanId());
      assertThat(link.call("orders.plain", "p".getBytes(UTF_8)).get(30, TimeUnit.SECONDS).spans()).isEmpty();
    }
  }

  @Test
  void anEmptyPayloadStillRuns() throws Exception {
    try (NatsTriggerLink link = new NatsTriggerLink(session, Duration.ofSeconds(10))) {
      TriggerResult result = link.call("orders.none", new byte[0]).get(30, TimeUnit.SECONDS);
      assertThat(new String(result.output(), UTF_8)).isEqualTo("\"orders.none \"");
    }
  }

  @Test
  void theFunctionsFailureComesBackAsItsError() throws Exception {
    try (NatsTriggerLink link = new NatsTriggerLink(session, Duration.ofSeconds(10))) {
      TriggerResult result = link.call("orders.bad", "fail".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
      assertThat(result.isFailure()).isTrue();
      assertThat(result.error()).isEqualTo("function threw Error: told to fail (line 3)");
      assertThat(result.output()).isEmpty();
    }
  }

  @Test
  void aStuckFunctionIsStoppedByTheAgentAndTheNextTriggerRuns() throws Exception {
    try (NatsTriggerLink link = new NatsTriggerLink(session, Duration.ofSeconds(10))) {
      TriggerResult stuck = link.call("orders.slow", "spin".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
      assertThat(stuck.error()).isEqualTo("function timed out after 500 ms");
      TriggerResult next = link.call("orders.next", "ok".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
      assertThat(new String(next.output(), UTF_8)).isEqualTo("\"orders.next ok\"");
    }
  }

  @Test
  void noAnswerInTimeFailsTheCallWithATimeout() throws Exception {
    // an agent that takes the trigger and never answers
    String silent = SandboxIds.next();
    node.subscribe(Subjects.agentTrigger(silent));
    node.flush(Duration.ofSeconds(5));
    try (NatsTriggerLink link = new NatsTriggerLink(sessionOf(silent), Duration.ofMillis(300))) {
      CompletableFuture<TriggerResult> call = link.call("orders.lost", new byte[0]);
      assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(AgentCallException.class)
          .hasRootCauseMessage("agent of sandbox " + silent + " did not answer the trigger within 300 ms");
    }
  }

  @Test
  void noAgentListeningFailsTheCallInsteadOfAnsweringEmpty() throws Exception {
    // nats-server answers "no responders" for a sandbox whose agent is gone or never subscribed:
    // the session sends again until the call's time is up, and never takes the empty status for output
    String gone = SandboxIds.next();
    try (NatsTriggerLink link = new NatsTriggerLink(sessionOf(gone), Duration.ofSeconds(1))) {
      CompletableFuture<TriggerResult> call = link.call("orders.lost", new byte[0]);
      assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasRootCauseMessage("agent of sandbox " + gone + " is not connected");
    }
  }

  private Options agentOptions(SandboxCredentials credentials) {
    // as the agent connects (Agent.connect): its own inbox prefix, its sandbox's seed
    return new Options.Builder()
        .server(server.clientUrl())
        .inboxPrefix("_INBOX." + credentials.sandboxId())
        .authHandler(Nats.staticCredentials(null, credentials.userSeed().toCharArray()))
        .connectionTimeout(Duration.ofSeconds(2))
        .noReconnect()
        .build();
  }
}
