package io.nex.node.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.FunctionChange;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.RemoveFunctionRequest;
import io.nex.api.agent.TriggerResult;
import io.nex.api.events.CloudEvent;
import io.nex.api.events.EventTypes;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentCallException;
import io.nex.node.session.AgentReply;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeAgentTransport;
import io.nex.node.session.FakeSandboxSource;
import io.nex.node.tracing.Tracing;
import io.nex.node.workload.Deployment;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger router between a real NATS connection and agents spoken for by a fake transport:
 * replies, error headers, events, time limits, queue groups and unrouting; and a function
 * host's one socket, with a plain frame reader and writer as its agent.
 */
class TriggerRouterTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final CompletableFuture<Void> ADDED = CompletableFuture.completedFuture(null);

  /** One event as the router published it. */
  record Event(String namespace, String type, Map<String, Object> data) {}

  @TempDir Path dir;
  private NatsServerProcess server;
  private Connection nats;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private AgentSessions sessions;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private TriggerRouter router;
  private final NodeMetrics metrics = new NodeMetrics();

  @BeforeEach
  void start() throws Exception {
    server = NatsServerProcess.onFreePorts(() -> {
      int port = NatsServerProcess.freePort();
      return NatsServerProcess.start(NatsServerBinary.require(List.of()), dir.resolve("nats.conf"),
          "listen: \"127.0.0.1:" + port + "\"\n", "127.0.0.1", port, dir.resolve("nats.log"));
    });
    nats = Nats.connect(server.clientUrl());
    // the router's events, as a subscriber on the control plane hears them
    nats.createDispatcher(message -> {
      try {
        CloudEvent event = Json.read(message.getData(), CloudEvent.class);
        events.add(new Event(event.namespace(), event.type(), eventData(event.data())));
      } catch (Json.MalformedJsonException e) {
        events.add(new Event("malformed", e.getMessage(), Map.of()));
      }
    }).subscribe(Subjects.event("*", "*"));
    nats.flush(Duration.ofSeconds(2));
    sessions = new AgentSessions(new FakeSandboxSource(dir, false), transport, Duration.ofSeconds(2));
    sessions.start();
    router = TriggerRouter.start(server.clientUrl(), server.clientUrl(), "test-node-triggers",
        "test-node", TIMEOUT, metrics, Tracing.off());
  }

  @AfterEach
  void stop() throws Exception {
    router.close();
    sessions.close();
    nats.close();
    server.close();
  }

  @Test
  void aTriggersReplyIsTheFunctionsOutputAndEachRunIsAnEvent() throws Exception {
    Deployment echo = deployed("echo", "fn.echo");
    transport.when(echo.id(), AgentCall.TRIGGER, (sent, timeout) -> CompletableFuture.completedFuture(
        AgentReply.answered(new Headers().put(FunctionHeaders.RUNTIME_NS, "1234"),
            (sent.headers().getFirst(FunctionHeaders.TRIGGER_SUBJECT) + ":" + sent.text()).getBytes(UTF_8))));
    router.route(echo, Optional.empty());

    Message reply = nats.request("fn.echo", "hi".getBytes(UTF_8), Duration.ofSeconds(5));

    assertThat(new String(reply.getData(), UTF_8)).isEqualTo("fn.echo:hi");
    Event event = await().until(() -> events.stream().findFirst(), Optional::isPresent).get();
    assertThat(event.type()).isEqualTo(EventTypes.FUNCTION_EXEC_SUCCEEDED);
    assertThat(event.namespace()).isEqualTo("default");
    assertThat(event.data()).containsEntry("workload_name", "echo").containsEntry("id", echo.id())
        .containsEntry("trigger_subject", "fn.echo").containsKey("elapsed_nanos");
    assertThat(router.runtime(echo.id())).isEqualTo(Duration.ofNanos(1234));
  }

  @Test
  void aFailedRunRepliesWithTheErrorHeaderAndAFailedEvent() throws Exception {
    Deployment failing = deployed("failing", "fn.fail");
    transport.when(failing.id(), AgentCall.TRIGGER, (sent, timeout) -> CompletableFuture.completedFuture(
        AgentReply.answered(new Headers().put(FunctionHeaders.ERROR, "function failed: told to"), new byte[0])));
    router.route(failing, Optional.empty());

    Message reply = nats.request("fn.fail", "x".getBytes(UTF_8), Duration.ofSeconds(5));

    assertThat(reply.getHeaders().getFirst(FunctionHeaders.ERROR)).isEqualTo("function failed: told to");
    Event event = await().until(() -> events.stream().findFirst(), Optional::isPresent).get();
    assertThat(event.type()).isEqualTo(EventTypes.FUNCTION_EXEC_FAILED);
    assertThat(event.data()).containsEntry("error", "function failed: told to");
  }

  @Test
  void anAgentThatNeverAnswersFailsTheTriggerAtTheTimeLimit() throws Exception {
    Deployment silent = deployed("silent", "fn.silent");
    transport.when(silent.id(), AgentCall.TRIGGER, FakeAgentTransport.silent());
    router.route(silent, Optional.empty());

    Message reply = nats.request("fn.silent", "x".getBytes(UTF_8), Duration.ofSeconds(5));

    assertThat(reply.getHeaders().getFirst(FunctionHeaders.ERROR)).isEqualTo("function did not answer within 500 ms");
  }

  @Test
  void copiesOfAFunctionShareItsTriggersAndAnUnroutedOneGetsNoMore() throws Exception {
    Deployment first = deployed("shared", "fn.shared");
    Deployment second = deployed("shared", "fn.shared");
    for (Deployment copy : List.of(first, second)) {
      transport.when(copy.id(), AgentCall.TRIGGER, (sent, timeout) -> CompletableFuture.completedFuture(
          AgentReply.answered(null, copy.id().getBytes(UTF_8))));
      router.route(copy, Optional.empty());
    }

    for (int i = 0; i < 40; i++) {
      nats.request("fn.shared", new byte[0], Duration.ofSeconds(5));
    }
    assertThat(triggersSentTo(first.id()) + triggersSentTo(second.id())).as("each trigger went to one copy only")
        .isEqualTo(40);
    assertThat(triggersSentTo(first.id())).as("both copies took some").isPositive();
    assertThat(triggersSentTo(second.id())).isPositive();

    router.unroute(first.id());
    nats.flush(Duration.ofSeconds(2));
    long before = triggersSentTo(first.id());
    for (int i = 0; i < 20; i++) {
      assertThat(new String(nats.request("fn.shared", new byte[0], Duration.ofSeconds(5)).getData(), UTF_8))
          .isEqualTo(second.id());
    }
    assertThat(triggersSentTo(first.id())).isEqualTo(before);
    assertThat(metrics.scrape()).as("a copy is left: the function's series stay")
        .contains("nex_function_calls_total{namespace=\"default\",outcome=\"success\",workload=\"shared\"} 60.0");

    router.unroute(second.id());
    assertThat(metrics.scrape()).as("the last copy went: so did the function's series").doesNotContain("workload=\"shared\"")
        .contains("nex_function_triggers_total{outcome=\"success\"} 60.0");
  }

  @Test
  void theFunctionsOfAHostShareOneSocketEachCallNamingItsFunction() throws Exception {
    Path socket = dir.resolve("triggers.sock");
    AtomicInteger socketEnded = new AtomicInteger();
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      AgentSession host = sessions.launch();
      Deployment a = hosted("Fa", "fn.a", host);
      Deployment b = hosted("Fb", "fn.b", host);
      router.routeHosted(a, host.id(), socket, socketEnded::incrementAndGet, ADDED);
      FrameChannel agent = new FrameChannel(listener.accept());
      router.routeHosted(b, host.id(), socket, socketEnded::incrementAndGet, ADDED);
      listener.configureBlocking(false);
      assertThat(listener.accept()).as("the host's second function takes the same connection").isNull();
      Thread answering = new Thread(() -> {
        try {
          for (ByteBuffer frame = agent.next(); frame != null; frame = agent.next()) {
            TriggerCall call = TriggerCall.decode(frame);
            agent.write(TriggerResult.succeeded(call.id(), 1, (call.function() + " " + call.subject()).getBytes(UTF_8))
                .encode());
          }
        } catch (IOException e) {
          // the router closed its end
        }
      });
      answering.start();

      Message first = nats.request("fn.a", new byte[0], Duration.ofSeconds(5));
      assertThat(first.getHeaders()).as("no error").isNull();
      assertThat(first.getData()).asString(UTF_8).isEqualTo("Fa fn.a");
      assertThat(nats.request("fn.b", new byte[0], Duration.ofSeconds(5)).getData()).asString(UTF_8).isEqualTo("Fb fn.b");

      router.unroute(a.id());
      nats.flush(Duration.ofSeconds(2));
      assertThat(nats.request("fn.a", new byte[0], Duration.ofMillis(300))).as("an unrouted function gets nothing").isNull();
      assertThat(nats.request("fn.b", new byte[0], Duration.ofSeconds(5)).getData()).asString(UTF_8)
          .as("its neighbour still answers").isEqualTo("Fb fn.b");

      // the host's sandbox ends: its link goes with its socket, so a host of that id would connect anew
      agent.close();
      answering.join(5000);
      Files.deleteIfExists(socket);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(nats.request("fn.b", new byte[0], Duration.ofMillis(200))).as("the ended host's function").isNull());
      Deployment c = hosted("Fc", "fn.c", host);
      assertThat(socketEnded).as("told once that the host's socket ended").hasValue(1);
      assertThatThrownBy(() -> router.routeHosted(c, host.id(), socket, () -> { }, ADDED)).isInstanceOf(IOException.class);

      // another host shares the trigger loop, and answers through its own socket
      Path secondSocket = dir.resolve("second.sock");
      try (ServerSocketChannel second = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        second.bind(UnixDomainSocketAddress.of(secondSocket));
        AgentSession otherHost = sessions.launch();
        router.routeHosted(hosted("Fd", "fn.d", otherHost), otherHost.id(), secondSocket, socketEnded::incrementAndGet, ADDED);
        FrameChannel otherAgent = new FrameChannel(second.accept());
        CompletableFuture<Message> reply = nats.request("fn.d", new byte[0]);
        TriggerCall call = TriggerCall.decode(otherAgent.next());
        otherAgent.write(TriggerResult.succeeded(call.id(), 1, call.function().getBytes(UTF_8)).encode());
        assertThat(reply.get(5, TimeUnit.SECONDS).getData()).asString(UTF_8).isEqualTo("Fd");
        router.close();
        otherAgent.close();
        assertThat(socketEnded).as("a host's socket closed by the router itself is no loss").hasValue(1);
      }
    }
  }

  @Test
  void triggersOfAFunctionStillBeingAddedWaitForTheAddAndFailWithIt() throws Exception {
    Path socket = dir.resolve("triggers.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      AgentSession host = sessions.launch();
      CompletableFuture<Void> firstAdd = new CompletableFuture<>();
      CompletableFuture<Void> firstRouted = CompletableFuture.runAsync(() -> {
        try {
          router.routeHosted(hosted("Fa", "fn.a", host), host.id(), socket, () -> { }, firstAdd);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(firstRouted).as("a host's first function waits for its add: the agent listens only then").isNotDone();
      firstAdd.complete(null);
      firstRouted.get(5, TimeUnit.SECONDS);
      FrameChannel agent = new FrameChannel(listener.accept());
      List<String> calls = new CopyOnWriteArrayList<>();
      Thread answering = new Thread(() -> {
        try {
          for (ByteBuffer frame = agent.next(); frame != null; frame = agent.next()) {
            TriggerCall call = TriggerCall.decode(frame);
            calls.add(call.function() + " " + new String(call.payload(), UTF_8));
            agent.write(TriggerResult.succeeded(call.id(), 1, call.payload()).encode());
          }
        } catch (IOException e) {
          // the router closed its end
        }
      });
      answering.start();

      CompletableFuture<Void> adding = new CompletableFuture<>();
      router.routeHosted(hosted("Fb", "fn.b", host), host.id(), socket, () -> { }, adding);
      List<CompletableFuture<Message>> early = List.of(nats.request("fn.b", "1".getBytes(UTF_8)),
          nats.request("fn.b", "2".getBytes(UTF_8)), nats.request("fn.b", "3".getBytes(UTF_8)));
      nats.flush(Duration.ofSeconds(2));
      Thread.sleep(300);
      assertThat(calls).as("nothing reaches the agent before it has the function").isEmpty();
      adding.complete(null);
      for (int i = 0; i < early.size(); i++) {
        assertThat(early.get(i).get(5, TimeUnit.SECONDS).getData()).asString(UTF_8).isEqualTo(Integer.toString(i + 1));
      }
      assertThat(calls).as("in their order of arrival").containsExactly("Fb 1", "Fb 2", "Fb 3");
      assertThat(nats.request("fn.b", "4".getBytes(UTF_8), Duration.ofSeconds(5)).getData()).asString(UTF_8)
          .as("once added, straight through").isEqualTo("4");

      CompletableFuture<Void> refused = new CompletableFuture<>();
      Deployment c = hosted("Fc", "fn.c", host);
      router.routeHosted(c, host.id(), socket, () -> { }, refused);
      CompletableFuture<Message> doomed = nats.request("fn.c", "5".getBytes(UTF_8));
      nats.flush(Duration.ofSeconds(2));
      Thread.sleep(200);
      refused.completeExceptionally(new IllegalStateException("workload rejected by agent: no"));
      Message answer = doomed.get(5, TimeUnit.SECONDS);
      assertThat(answer.getHeaders().getFirst(FunctionHeaders.ERROR)).isEqualTo("function failed: the function was not deployed");
      router.unroute(c.id());
      assertThat(calls).as("the refused function's trigger never reached the agent").hasSize(4);
      agent.close();
      answering.join(5000);
    }
  }

  @Test
  void aHostsAddsAndRemovesGoOverItsSocketOnceConnectedAndOverTheInternalServerWhenItEnds() throws Exception {
    Path socket = dir.resolve("triggers.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      AgentSession host = sessions.launch();
      transport.when(host.id(), AgentCall.ADD_FUNCTION, (sent, timeout) -> CompletableFuture.completedFuture(
          AgentReply.answered(new Headers(), Json.write(new DeployAck(true, "added over the internal server")))));
      AddFunctionRequest add = new AddFunctionRequest("Fb", null);
      assertThat(host.addFunction(add, TIMEOUT).get(5, TimeUnit.SECONDS).message())
          .as("before the socket is connected").isEqualTo("added over the internal server");
      AtomicInteger ended = new AtomicInteger();
      router.routeHosted(hosted("Fa", "fn.a", host), host.id(), socket, ended::incrementAndGet,
          CompletableFuture.completedFuture(null));
      FrameChannel agent = new FrameChannel(listener.accept());
      List<String> changes = new CopyOnWriteArrayList<>();
      Thread answering = new Thread(() -> {
        try {
          for (ByteBuffer frame = agent.next(); frame != null; frame = agent.next()) {
            FunctionChange change = FunctionChange.decode(frame);
            changes.add(change.kind() + " " + new String(change.body(), UTF_8));
            agent.write(TriggerResult.succeeded(change.id(), 0,
                Json.write(new DeployAck(true, change.kind() + " over the socket"))).encode());
          }
        } catch (IOException e) {
          // the test closed its end
        }
      });
      answering.start();

      assertThat(host.addFunction(add, TIMEOUT).get(5, TimeUnit.SECONDS).message()).isEqualTo("ADD over the socket");
      assertThat(host.removeFunction("Fb", TIMEOUT).get(5, TimeUnit.SECONDS).message()).isEqualTo("REMOVE over the socket");
      assertThat(changes).containsExactly("ADD " + new String(Json.write(add), UTF_8),
          "REMOVE " + new String(Json.write(new RemoveFunctionRequest("Fb")), UTF_8));
      assertThat(transport.sent(AgentCall.ADD_FUNCTION)).hasSize(1);
      assertThat(transport.sent(AgentCall.REMOVE_FUNCTION)).isEmpty();

      agent.close();
      answering.join(5000);
      await().untilAsserted(() -> assertThat(ended).hasValue(1));
      assertThat(host.addFunction(add, TIMEOUT).get(5, TimeUnit.SECONDS).message())
          .as("the socket ended").isEqualTo("added over the internal server");
      assertThat(transport.sent(AgentCall.ADD_FUNCTION)).hasSize(2);
    }
  }

  @Test
  void anAddTheHostsSocketCarriedButTheAgentNeverAnsweredFailsAtItsDeadline() throws Exception {
    Path socket = dir.resolve("triggers.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(socket));
      AgentSession host = sessions.launch();
      router.routeHosted(hosted("Fa", "fn.a", host), host.id(), socket, () -> { },
          CompletableFuture.completedFuture(null));
      try (FrameChannel agent = new FrameChannel(listener.accept())) {
        CompletableFuture<DeployAck> add = host.addFunction(new AddFunctionRequest("Fb", null), Duration.ofMillis(300));
        assertThat(FunctionChange.decode(agent.next()).kind()).isEqualTo(FunctionChange.Kind.ADD);

        assertThatThrownBy(() -> add.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentCallException.class)
            .hasMessageContaining("did not answer the add function within 300 ms");
        assertThat(transport.sent(AgentCall.ADD_FUNCTION)).as("a stream is not sent again").isEmpty();
      }
    }
  }

  private static Deployment hosted(String id, String subject, AgentSession host) {
    return new Deployment(id, "default", "name" + id, "", "wasm", "ISSUER", "hash", 1, List.of(subject), Instant.now(),
        false, 0, host);
  }

  private long triggersSentTo(String sandboxId) {
    return transport.sent(AgentCall.TRIGGER).stream().filter(s -> s.sandboxId().equals(sandboxId)).count();
  }

  private Deployment deployed(String name, String subject) throws Exception {
    AgentSession session = sessions.launch();
    assertThat(transport.inbound().handshake(session.id(), "Host-supplied metadata")).isTrue();
    return new Deployment(session.id(), "default", name, "", "wasm", "ISSUER", "hash", 1, List.of(subject),
        Instant.now(), false, 0, session);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> eventData(JsonNode data) {
    return Json.mapper().convertValue(data, Map.class);
  }
}
