package io.nex.node.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger connection against a real nats-server, driven by a small Selector loop on the test's
 * thread, with a jnats connection as the other party.
 */
class TriggerConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String MAX_PAYLOAD_8MB = "max_payload: 8MB\n";

  /** A message as the connection handed it over. */
  record Received(long sid, String subject, String replyTo, Headers headers, byte[] payload) {
    String text() {
      return new String(payload, UTF_8);
    }
  }

  @TempDir Path dir;
  private NatsServerProcess server;
  private Connection nats;
  private final Loop loop = new Loop();

  @BeforeEach
  void start() throws Exception {
    server = startServer(MAX_PAYLOAD_8MB, 0);
    nats = Nats.connect(new Options.Builder().server(server.clientUrl()).build());
  }

  @AfterEach
  void stop() throws Exception {
    loop.close();
    nats.close();
    server.close();
  }

  @Test
  void repliesToARequestOnItsReplySubject() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    long sid = connection.subscribe("svc.echo", null);
    loop.open(connection);

    CompletableFuture<Message> reply = nats.request("svc.echo", "hi".getBytes(UTF_8));
    Received request = loop.next(connection);
    connection.publish(request.replyTo(), null, null, ("re:" + request.text()).getBytes(UTF_8));
    loop.until(reply::isDone);

    assertThat(request.sid()).isEqualTo(sid);
    assertThat(request.subject()).isEqualTo("svc.echo");
    assertThat(request.headers()).isNull();
    assertThat(new String(reply.get().getData(), UTF_8)).isEqualTo("re:hi");
  }

  @Test
  void connectionsInOneQueueGroupShareItsMessages() throws Exception {
    TriggerConnection first = new TriggerConnection(server.clientUrl(), "first");
    TriggerConnection second = new TriggerConnection("127.0.0.1:" + server.port(), "second");
    first.subscribe("work", "workers");
    second.subscribe("work", "workers");
    loop.open(first);
    loop.open(second);

    for (int i = 0; i < 100; i++) {
      nats.publish("work", Integer.toString(i).getBytes(UTF_8));
    }
    nats.flush(TIMEOUT);
    loop.until(() -> loop.received(first).size() + loop.received(second).size() == 100);

    assertThat(loop.received(first)).isNotEmpty();
    assertThat(loop.received(second)).isNotEmpty();
  }

  @Test
  void headersComeInAndGoOut() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    connection.subscribe("in", null);
    loop.open(connection);
    Subscription back = nats.subscribe("out");
    nats.flush(TIMEOUT);

    nats.publish(NatsMessage.builder().subject("in").replyTo("answer.here")
        .headers(new Headers().put("X-Trigger", "yes").add("X-Multi", "a", "b")).data("body", UTF_8).build());
    Received in = loop.next(connection);
    connection.publish("out", "reply.to", new Headers().put("X-Nex", "out value"), "sent".getBytes(UTF_8));
    loop.until(() -> !connection.hasOutput());
    Message out = back.nextMessage(TIMEOUT);

    assertThat(in.headers().getFirst("X-Trigger")).isEqualTo("yes");
    assertThat(in.headers().get("X-Multi")).containsExactly("a", "b");
    assertThat(in.replyTo()).isEqualTo("answer.here");
    assertThat(in.text()).isEqualTo("body");
    assertThat(out.getHeaders().getFirst("X-Nex")).isEqualTo("out value");
    assertThat(out.getReplyTo()).isEqualTo("reply.to");
    assertThat(new String(out.getData(), UTF_8)).isEqualTo("sent");
  }

  @Test
  void emptyAndLargePayloadsGoBothWays() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    connection.subscribe("big", null);
    loop.open(connection);
    Subscription back = nats.subscribe("back");
    nats.flush(TIMEOUT);
    byte[] large = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(large);

    nats.publish("big", new byte[0]);
    nats.publish("big", large);
    Received empty = loop.next(connection);
    Received big = loop.next(connection);
    connection.publish("back", null, null, new byte[0]);
    connection.publish("back", null, null, large);
    loop.until(() -> !connection.hasOutput());

    assertThat(connection.maxPayload()).isEqualTo(8 * 1024 * 1024);
    assertThat(empty.payload()).isEmpty();
    assertThat(big.payload()).isEqualTo(large);
    assertThat(back.nextMessage(TIMEOUT).getData()).isEmpty();
    assertThat(back.nextMessage(TIMEOUT).getData()).isEqualTo(large);
  }

  @Test
  void aBurstOfSmallMessagesComesInOrderManyToARead() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    connection.subscribe("burst.*", null);
    loop.open(connection);

    for (int i = 0; i < 10_000; i++) {
      nats.publish("burst." + (i % 10), Integer.toString(i).getBytes(UTF_8));
    }
    nats.flush(TIMEOUT);
    // the server has the burst: let it reach our socket before reading any of it
    Thread.sleep(100);
    loop.until(() -> loop.received(connection).size() == 10_000);

    List<Received> received = loop.received(connection);
    for (int i = 0; i < 10_000; i++) {
      assertThat(received.get(i).text()).isEqualTo(Integer.toString(i));
      assertThat(received.get(i).subject()).isEqualTo("burst." + (i % 10));
    }
    assertThat(loop.mostInOneRead).isGreaterThan(1_000);
  }

  @Test
  void anUnsubscribedSidGetsNoMoreMessages() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    long gone = connection.subscribe("gone", null);
    long kept = connection.subscribe("kept", null);
    loop.open(connection);
    nats.publish("gone", "before".getBytes(UTF_8));
    assertThat(loop.next(connection).sid()).isEqualTo(gone);

    // sent by the server before it has our UNSUB, and read after it: dropped by us
    nats.publish("gone", "in flight".getBytes(UTF_8));
    nats.flush(TIMEOUT);
    connection.unsubscribe(gone);
    AtomicInteger pongs = new AtomicInteger();
    connection.ping(pongs::incrementAndGet);
    loop.until(() -> pongs.get() == 1);
    // and not sent by the server after it
    nats.publish("gone", "after".getBytes(UTF_8));
    nats.publish("kept", "last".getBytes(UTF_8));
    Received last = loop.next(connection);

    assertThat(last.sid()).isEqualTo(kept);
    assertThat(loop.received(connection)).isEmpty();
  }

  @Test
  void aPingsCallbackRunsOnItsPong() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    loop.open(connection);
    List<String> pongs = new ArrayList<>();

    connection.ping(() -> pongs.add("first"));
    connection.ping(() -> pongs.add("second"));
    assertThat(connection.pingsOutstanding()).isEqualTo(2);
    loop.until(() -> pongs.size() == 2);

    assertThat(pongs).containsExactly("first", "second");
    assertThat(connection.pingsOutstanding()).isZero();
  }

  @Test
  void userAndPasswordFromTheUrlAuthenticateAndAWrongOneFailsWithTheServersReason() throws Exception {
    String password = "p@ss:w/rd+";
    NatsServerProcess secured = startServer(
        "authorization { user: alice, password: \"" + password + "\" }\n", 1);
    String base = "127.0.0.1:" + secured.port();
    TriggerConnection right = new TriggerConnection("nats://alice:p%40ss%3Aw%2Frd+@" + base, "test");
    TriggerConnection wrong = new TriggerConnection("nats://alice:Wr0ngSecret@" + base, "test");
    right.subscribe("secured", null);
    try (secured; Connection alice = Nats.connect(new Options.Builder().server("nats://" + base)
        .userInfo("alice", password).build())) {
      loop.open(right);
      alice.publish("secured", "in".getBytes(UTF_8));

      assertThat(loop.next(right).text()).isEqualTo("in");
      assertThatThrownBy(() -> wrong.open(TIMEOUT)).isInstanceOf(IOException.class)
          .hasMessageContaining("Authorization Violation").hasMessageNotContaining("Wr0ngSecret");
      assertThat(wrong.connected()).isFalse();
    }
  }

  @Test
  void aTokenFromTheUrlAuthenticates() throws Exception {
    NatsServerProcess secured = startServer("authorization { token: \"t0ken-42\" }\n", 2);
    String base = "127.0.0.1:" + secured.port();
    TriggerConnection connection = new TriggerConnection("nats://t0ken-42@" + base, "test");
    connection.subscribe("secured", null);
    try (secured; Connection other = Nats.connect(new Options.Builder().server("nats://" + base)
        .token("t0ken-42".toCharArray()).build())) {
      loop.open(connection);
      other.publish("secured", "in".getBytes(UTF_8));

      assertThat(loop.next(connection).text()).isEqualTo("in");
      assertThatThrownBy(() -> new TriggerConnection("nats://other@" + base, "test").open(TIMEOUT))
          .isInstanceOf(IOException.class).hasMessageContaining("Authorization Violation");
    }
  }

  @Test
  void aPublishOverTheServersMaxPayloadIsRefused() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    loop.open(connection);

    assertThatThrownBy(() -> connection.publish("big", null, null, new byte[8 * 1024 * 1024 + 1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_payload");
    assertThat(connection.hasOutput()).isFalse();
  }

  @Test
  void urlsItCannotSpeakAreRefused() {
    assertThatThrownBy(() -> new TriggerConnection("tls://user:Secret9@127.0.0.1:4222", "test"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls").hasMessageNotContaining("Secret9");
    assertThatThrownBy(() -> new TriggerConnection("ws://127.0.0.1:4222", "test"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws");
  }

  @Test
  void afterTheServerIsBackSubscriptionsAndWhatWasPublishedMeanwhileGoAgain() throws Exception {
    TriggerConnection connection = new TriggerConnection(server.clientUrl(), "test");
    connection.subscribe("work", null);
    loop.open(connection);
    List<String> pongs = new ArrayList<>();
    connection.ping(() -> pongs.add("waiting"));
    nats.close();

    ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
    assertThat(server.awaitExit(TIMEOUT)).isTrue();
    loop.until(() -> loop.ended.contains(connection));
    connection.lost();
    connection.publish("meanwhile", null, null, "queued".getBytes(UTF_8));
    connection.ping(() -> pongs.add("disconnected"));

    assertThat(connection.connected()).isFalse();
    assertThat(pongs).containsExactly("waiting", "disconnected");
    assertThat(connection.hasOutput()).isTrue();

    server = startServer(MAX_PAYLOAD_8MB, 0, server.port());
    nats = Nats.connect(new Options.Builder().server(server.clientUrl()).build());
    Subscription meanwhile = nats.subscribe("meanwhile");
    nats.flush(TIMEOUT);
    loop.open(connection);
    nats.publish("work", "again".getBytes(UTF_8));

    assertThat(loop.next(connection).text()).isEqualTo("again");
    assertThat(new String(meanwhile.nextMessage(TIMEOUT).getData(), UTF_8)).isEqualTo("queued");
  }

  private NatsServerProcess startServer(String config, int index) throws IOException {
    return NatsServerProcess.onFreePorts(() -> startServer(config, index, NatsServerProcess.freePort()));
  }

  private NatsServerProcess startServer(String config, int index, int port) throws IOException {
    return NatsServerProcess.start(NatsServerBinary.require(List.of()), dir.resolve("nats-" + index + ".conf"),
        "listen: \"127.0.0.1:" + port + "\"\n" + config, "127.0.0.1", port, dir.resolve("nats-" + index + ".log"));
  }

  /** The trigger loop in small: a Selector over the connections, turned by the test's thread. */
  private static final class Loop implements AutoCloseable {
    private final Selector selector;
    private final List<TriggerConnection> connections = new ArrayList<>();
    private final List<List<Received>> received = new ArrayList<>();
    final List<TriggerConnection> ended = new ArrayList<>();
    private IOException failure;
    int mostInOneRead;

    Loop() {
      try {
        selector = Selector.open();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void open(TriggerConnection connection) throws IOException {
      SocketChannel channel = connection.open(TIMEOUT);
      assertThat(channel.isBlocking()).isFalse();
      channel.register(selector, SelectionKey.OP_READ, connection);
      if (!connections.contains(connection)) {
        connections.add(connection);
        received.add(new ArrayList<>());
      }
    }

    /** What {@code connection} has received and the test not taken yet. */
    List<Received> received(TriggerConnection connection) {
      return received.get(connections.indexOf(connection));
    }

    /** Turns until {@code connection} has a message, and takes the oldest. */
    Received next(TriggerConnection connection) throws IOException {
      until(() -> !received(connection).isEmpty());
      return received(connection).remove(0);
    }

    void until(BooleanSupplier done) throws IOException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!done.getAsBoolean()) {
        assertThat(System.nanoTime() - deadline).as("turns before the condition held (read failed: %s)", failure)
            .isNegative();
        turn();
      }
    }

    private void turn() throws IOException {
      for (SelectionKey key : selector.keys()) {
        TriggerConnection connection = (TriggerConnection) key.attachment();
        if (key.isValid() && connection.hasOutput() && !connection.flush()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
      }
      selector.select(20);
      for (SelectionKey key : selector.selectedKeys()) {
        TriggerConnection connection = (TriggerConnection) key.attachment();
        if (key.isReadable() && !read(connection)) {
          key.cancel();
          ended.add(connection);
          continue;
        }
        if (key.isWritable() && connection.flush()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      }
      selector.selectedKeys().clear();
    }

    private boolean read(TriggerConnection connection) {
      List<Received> into = received(connection);
      int before = into.size();
      try {
        boolean open = connection.read((sid, subject, replyTo, headers, payload) ->
            into.add(new Received(sid, subject, replyTo, headers, payload)));
        mostInOneRead = Math.max(mostInOneRead, into.size() - before);
        return open;
      } catch (IOException e) {
        failure = e;
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      connections.forEach(TriggerConnection::close);
      selector.close();
    }
  }
}
