package io.nex.node.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nex.api.agent.FrameChannel;
import io.nex.api.agent.TriggerCall;
import io.nex.api.agent.TriggerResult;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's end of a real trigger socket, read and written by a real trigger loop, with a plain
 * frame reader and writer as the agent.
 */
class SocketTriggerLinkTest {
  private static NatsServerProcess server;
  private static TriggerLoop loop;
  @TempDir Path dir;
  private ServerSocketChannel listener;
  private SocketTriggerLink link;
  private FrameChannel agent;

  @BeforeAll
  static void startLoop(@TempDir Path serverDir) throws IOException {
    server = NatsServerProcess.onFreePorts(() -> {
      int port = NatsServerProcess.freePort();
      return NatsServerProcess.start(NatsServerBinary.require(List.of()), serverDir.resolve("nats.conf"),
          "listen: \"127.0.0.1:" + port + "\"\n", "127.0.0.1", port, serverDir.resolve("nats.log"));
    });
    loop = new TriggerLoop(new TriggerConnection(server.clientUrl(), "test"), server.clientUrl(),
        (sid, subject, replyTo, headers, payload) -> { });
    loop.start();
  }

  @AfterAll
  static void stopLoop() {
    loop.close();
    server.close();
  }

  /** Calls are made on the loop, as the router makes them. */
  private static CompletableFuture<TriggerResult> call(SocketTriggerLink link, String subject, byte[] payload)
      throws IOException {
    return loop.call(() -> link.call(subject, payload));
  }

  @BeforeEach
  void connect() throws IOException {
    Path socket = dir.resolve("triggers.sock");
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    link = SocketTriggerLink.connect("sandbox-1", socket, loop, Duration.ofSeconds(10), () -> { });
    agent = new FrameChannel(listener.accept());
  }

  @AfterEach
  void close() throws IOException {
    link.close();
    agent.close();
    listener.close();
  }

  @Test
  void resultsInAnyOrderCompleteTheirOwnCalls() throws Exception {
    List<CompletableFuture<TriggerResult>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(call(link, "orders." + i, ("p" + i).getBytes(UTF_8)));
    }
    List<TriggerCall> received = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      received.add(TriggerCall.decode(agent.next()));
    }
    for (int i = received.size() - 1; i >= 0; i--) {
      TriggerCall call = received.get(i);
      agent.write(TriggerResult.succeeded(call.id(), i, (call.subject() + " " + new String(call.payload(), UTF_8))
          .getBytes(UTF_8)).encode());
    }
    for (int i = 0; i < calls.size(); i++) {
      TriggerResult result = calls.get(i).get(10, TimeUnit.SECONDS);
      assertThat(new String(result.output(), UTF_8)).isEqualTo("orders." + i + " p" + i);
      assertThat(result.runtimeNanos()).isEqualTo(i);
    }
  }

  @Test
  void theAgentClosingFailsTheCallsStillWaitingAndLaterOnes() throws Exception {
    CompletableFuture<TriggerResult> waiting = call(link, "orders.a", new byte[0]);
    TriggerCall.decode(agent.next());
    agent.close();
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class).hasRootCauseMessage("the agent closed its trigger socket");
    CompletableFuture<TriggerResult> later = call(link, "orders.b", new byte[0]);
    assertThatThrownBy(() -> later.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void noResultInTimeFailsTheCallWithATimeout() throws Exception {
    Path socket = dir.resolve("silent.sock");
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      try (SocketTriggerLink impatient = SocketTriggerLink.connect("sandbox-2", socket, loop, Duration.ofMillis(200),
          () -> { });
          SocketChannel agentThatNeverAnswers = silent.accept()) {
        CompletableFuture<TriggerResult> call = call(impatient, "orders.slow", new byte[0]);
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(TimeoutException.class);
        assertThat(agentThatNeverAnswers.isConnected()).isTrue();
      }
    }
  }

  @Test
  void closingStopsSendingButResultsStillArrive() throws Exception {
    CompletableFuture<TriggerResult> inFlight = call(link, "orders.a", new byte[0]);
    link.close();
    TriggerCall call = TriggerCall.decode(agent.next());
    assertThat(agent.next()).as("the node sends no more").isNull();
    agent.write(TriggerResult.failed(call.id(), "function threw").encode());
    assertThat(inFlight.get(10, TimeUnit.SECONDS).error()).isEqualTo("function threw");
  }

  @Test
  void aMalformedResultEndsTheLinkAndFailsWhatWaits() throws Exception {
    CompletableFuture<TriggerResult> waiting = call(link, "orders.a", new byte[0]);
    agent.write(ByteBuffer.wrap(new byte[3]));
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
  }
}
