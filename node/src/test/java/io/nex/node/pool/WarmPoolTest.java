package io.nex.node.pool;

import static io.nex.node.session.FakeAgentTransport.nobody;
import static io.nex.node.session.FakeAgentTransport.silent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeAgentTransport;
import io.nex.node.session.FakeSandboxSource;
import io.nex.node.session.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool over fake sandboxes and a scripted transport: no processes, no nats-server. */
class WarmPoolTest {
  private static final Duration PING_TIMEOUT = Duration.ofMillis(300);

  @TempDir Path dir;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private final List<String> fatal = new CopyOnWriteArrayList<>();
  private FakeSandboxSource sandboxes;
  private AgentSessions sessions;
  private WarmPool pool;

  @BeforeEach
  void fill() {
    sandboxes = new FakeSandboxSource(dir, true);
    sessions = new AgentSessions(sandboxes, transport, Duration.ofSeconds(2));
    sessions.start();
    pool = new WarmPool(2, sessions, Duration.ofSeconds(30), PING_TIMEOUT, fatal::add);
    pool.fill();
    await().atMost(Duration.ofSeconds(5)).until(() -> pool.snapshot().size() == 2);
  }

  @AfterEach
  void close() {
    pool.close();
    sessions.close();
  }

  private void handshake(String id) {
    assertThat(transport.inbound().handshake(id, "Host-supplied metadata")).isTrue();
  }

  @Test
  void handsOutOnlyAgentsThatHandshook() throws Exception {
    assertThat(pool.take(Duration.ofMillis(100))).isEmpty();

    handshake("sandbox-2");

    assertThat(pool.take(Duration.ofMillis(100)).map(AgentSession::id)).contains("sandbox-2");
    assertThat(pool.take(Duration.ofMillis(100))).isEmpty();
  }

  @Test
  void aTakeWaitsForTheNextHandshake() throws Exception {
    CompletableFuture<Optional<AgentSession>> taken = CompletableFuture.supplyAsync(() -> {
      try {
        return pool.take(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100);
    handshake("sandbox-1");

    assertThat(taken.get(5, TimeUnit.SECONDS).map(AgentSession::id)).contains("sandbox-1");
  }

  @Test
  void everyAgentHandedOutWasPingedWithTheConfiguredTimeout() throws Exception {
    handshake("sandbox-1");

    pool.take(Duration.ofMillis(100)).orElseThrow();

    assertThat(transport.sent(AgentCall.PING)).extracting(FakeAgentTransport.Sent::sandboxId).containsExactly("sandbox-1");
  }

  @Test
  void anAgentThatDoesNotAnswerItsPingIsKeptButNotHandedOut() throws Exception {
    transport.when("sandbox-1", AgentCall.PING, silent());
    handshake("sandbox-1");
    handshake("sandbox-2");

    long started = System.nanoTime();
    Optional<AgentSession> taken = pool.take(Duration.ofSeconds(2));

    assertThat(taken.map(AgentSession::id)).contains("sandbox-2");
    assertThat(pool.snapshot()).extracting(a -> a.id() + " " + a.state()).containsExactly("sandbox-1 disconnected");
    assertThat(sandboxes.destroyed).as("a ready sandbox is never destroyed for a missed ping").isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void afterTheConnectionDropsNoAgentIsHandedOutUntilItHandshakesAgain() throws Exception {
    handshake("sandbox-1");
    handshake("sandbox-2");
    transport.when(AgentCall.PING, nobody());
    transport.inbound().connectionLost();

    assertThat(pool.readyCount()).isZero();
    assertThat(pool.take(Duration.ofMillis(200))).isEmpty();

    transport.when(AgentCall.PING, FakeAgentTransport.answer("OK".getBytes()));
    handshake("sandbox-1");
    assertThat(pool.take(Duration.ofMillis(200)).map(AgentSession::id)).contains("sandbox-1");
    assertThat(sandboxes.destroyed).isEmpty();
  }

  @Test
  void aWarmAgentThatExitsIsReplaced() throws Exception {
    handshake("sandbox-1");

    sandboxes.get("sandbox-1").exit(137);

    await().atMost(Duration.ofSeconds(5)).until(() -> sandboxes.created.size() == 3 && pool.snapshot().size() == 2);
    assertThat(sandboxes.destroyed).containsExactly("sandbox-1");
    assertThat(fatal).isEmpty();
  }

  @Test
  void anAgentThatExitsBeforeItsHandshakeIsFatal() {
    sandboxes.get("sandbox-2").exit(1);

    assertThat(fatal).containsExactly("Agent vmid=sandbox-2 exited with code 1 before its handshake");
  }

  @Test
  void aTakenAgentIsNoLongerThePoolsToReplace() throws Exception {
    handshake("sandbox-1");
    AgentSession taken = pool.take(Duration.ofMillis(100)).orElseThrow();

    sandboxes.get(taken.id()).exit(0);

    assertThat(sandboxes.created).hasSize(2);
    assertThat(taken.state()).isEqualTo(SessionState.GONE);
  }
}
