package io.nex.node.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nats-server, a workload's jnats client reaching it only through {@link GuardedSplice}
 * (as through a sandbox's bridge), and a host client beside it, as the node and the CLI are.
 */
class GuardedSpliceTest {
  @TempDir static Path dir;
  private static NatsServerProcess server;
  private static ServerSocketChannel guard;
  private static Connection host;
  private static Connection workload;
  private static final List<String> workloadErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path binary = NatsServerBinary.require(List.of());
    server = NatsServerProcess.onFreePorts(() -> {
      int port = NatsServerProcess.freePort();
      return NatsServerProcess.start(binary, dir.resolve("server.conf"), "listen: 127.0.0.1:" + port + "\n",
          "127.0.0.1", port, dir.resolve("server.log"));
    });
    guard = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    Thread acceptor = new Thread(GuardedSpliceTest::acceptGuarded, "guard-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    host = Nats.connect(server.clientUrl());
    workload = Nats.connect(new Options.Builder()
        .server("nats://127.0.0.1:" + guard.socket().getLocalPort())
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            workloadErrors.add(error);
          }
        })
        .build());
  }

  private static void acceptGuarded() {
    while (guard.isOpen()) {
      try {
        SocketChannel inside = guard.accept();
        SocketChannel outside = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        GuardedSplice splice = new GuardedSplice(inside, outside, GuardedSplice.Pace.NONE);
        Thread back = new Thread(() -> quietly(splice::serverToWorkload), "guard-back");
        back.setDaemon(true);
        back.start();
        Thread there = new Thread(() -> quietly(splice::workloadToServer), "guard-there");
        there.setDaemon(true);
        there.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private interface Direction {
    void run() throws IOException;
  }

  private static void quietly(Direction direction) {
    try {
      direction.run();
    } catch (IOException ignored) {
      // the test closed the connection
    }
  }

  @AfterAll
  static void stop() throws Exception {
    workload.close();
    host.close();
    guard.close();
    server.close();
  }

  @Test
  void controlPlaneSubjectsCannotBeSubscribedTo() throws Exception {
    List<String> refused = List.of("$NEX.logs.>", "$NEX.PING", "$NEX.AUCTION", "$NEX.DEPLOY.*.*", "$SYS.>",
        "$JS.API.>", "$KV.NEX_ESSENTIAL.>", "$O.NEXCLIFILES.>", "_INBOX.>", "_INBOX.*", ">", "*.PING");
    List<Subscription> subs = refused.stream().map(workload::subscribe).toList();
    Subscription allowed = workload.subscribe("after.the.refused");
    workload.flush(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> workloadErrors.stream()
        .filter(e -> e.contains("Permissions Violation for Subscription")).count() >= refused.size());

    for (String subject : List.of("$NEX.logs.ns.node.w.id", "$NEX.PING", "$NEX.AUCTION", "$NEX.DEPLOY.ns.N1",
        "$SYS.REQ.SERVER.PING", "$JS.API.INFO", "$KV.NEX_ESSENTIAL.k", "$O.NEXCLIFILES.x", "_INBOX.someone.1")) {
      host.publish(subject, "secret".getBytes(StandardCharsets.UTF_8));
    }
    host.publish("after.the.refused", "last".getBytes(StandardCharsets.UTF_8));
    host.flush(Duration.ofSeconds(5));

    // the allowed subscription's message was sent last: once it is here, the others had their chance
    assertThat(allowed.nextMessage(Duration.ofSeconds(5))).isNotNull();
    for (Subscription sub : subs) {
      assertThat(sub.nextMessage(Duration.ofMillis(1))).as(sub.getSubject()).isNull();
    }
  }

  @Test
  void controlPlaneSubjectsCannotBePublishedTo() throws Exception {
    Subscription forged = host.subscribe("$NEX.>");
    Subscription replyTarget = host.subscribe("svc.reply-target");
    Subscription last = host.subscribe("after.the.forgery");
    host.flush(Duration.ofSeconds(5));

    workload.publish("$NEX.logs.ns.node.victim.id", "forged line".getBytes(StandardCharsets.UTF_8));
    workload.publish("$NEX.PING", "fake".getBytes(StandardCharsets.UTF_8));
    workload.publish("$KV.NEX_NODES.N1", "fake".getBytes(StandardCharsets.UTF_8));
    // a request whose reply would make the responder publish a forged log line for us
    workload.publish("svc.reply-target", "$NEX.logs.ns.node.victim.id", "x".getBytes(StandardCharsets.UTF_8));
    workload.publish("after.the.forgery", "last".getBytes(StandardCharsets.UTF_8));
    workload.flush(Duration.ofSeconds(5));

    assertThat(last.nextMessage(Duration.ofSeconds(5))).isNotNull();
    assertThat(forged.nextMessage(Duration.ofMillis(1))).isNull();
    assertThat(replyTarget.nextMessage(Duration.ofMillis(1))).isNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> workloadErrors.stream()
        .anyMatch(e -> e.contains("Publish to \"$NEX.logs.ns.node.victim.id\"")));
    forged.unsubscribe();
    replyTarget.unsubscribe();
    last.unsubscribe();
  }

  @Test
  void servicesAndRequestsWorkBothWays() throws Exception {
    // the echo service: a host client's request answered by the workload on the host's inbox
    workload.createDispatcher(msg -> workload.publish(msg.getReplyTo(), msg.getData())).subscribe("echo.guarded");
    workload.flush(Duration.ofSeconds(5));
    Message echoed = host.request("echo.guarded", "hello".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
    assertThat(echoed).isNotNull();
    assertThat(new String(echoed.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");

    // the workload's own request: its inbox, named by its client, is its own
    host.createDispatcher(msg -> host.publish(msg.getReplyTo(), "pong".getBytes(StandardCharsets.UTF_8)))
        .subscribe("svc.on.host");
    host.flush(Duration.ofSeconds(5));
    Message answer = workload.request("svc.on.host", new byte[0], Duration.ofSeconds(5));
    assertThat(answer).isNotNull();
    assertThat(new String(answer.getData(), StandardCharsets.UTF_8)).isEqualTo("pong");
  }

  @Test
  void payloadsPassWholeAndAreNeverReadAsCommands() throws Exception {
    Subscription sub = host.subscribe("big.payload");
    Subscription sneaky = host.subscribe("$NEX.logs.>");
    host.flush(Duration.ofSeconds(5));
    byte[] payload = new byte[1024 * 1024];
    Arrays.fill(payload, (byte) 'x');
    byte[] command = "\r\nPUB $NEX.logs.a.b.c.d 4\r\nfake\r\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(command, 0, payload, 1000, command.length);
    workload.publish("big.payload", payload);
    workload.flush(Duration.ofSeconds(5));

    Message got = sub.nextMessage(Duration.ofSeconds(5));
    assertThat(got).isNotNull();
    assertThat(got.getData()).isEqualTo(payload);
    assertThat(sneaky.nextMessage(Duration.ofMillis(200))).isNull();
    sub.unsubscribe();
    sneaky.unsubscribe();
  }
}
