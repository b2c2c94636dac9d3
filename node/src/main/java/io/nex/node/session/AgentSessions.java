package io.nex.node.session;

import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's agent sessions, one per sandbox: makes a sandbox and its session together, hands
 * each session what its agent says, revokes every session's readiness when the node's connection
 * drops, and pings the disconnected ones back once it returns (an agent whose own connection
 * never dropped does not handshake again).
 */
public final class AgentSessions implements AgentInbound, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSessions.class);

  private final SandboxSource sandboxes;
  private final AgentTransport transport;
  private final Duration reviveTimeout;
  private final Map<String, AgentSession> byId = new ConcurrentHashMap<>();
  /** Retry pauses and resends of every session: short tasks only. */
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "agent-calls");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Runnable readinessChanged = () -> {};
  /** False between a lost connection and its return (jnats reports each failed reconnect attempt as a loss). */
  private final AtomicBoolean connected = new AtomicBoolean(true);

  /** {@code reviveTimeout}: how long a disconnected agent may take to answer once the node is back. */
  public AgentSessions(SandboxSource sandboxes, AgentTransport transport, Duration reviveTimeout) {
    this.sandboxes = sandboxes;
    this.transport = transport;
    this.reviveTimeout = reviveTimeout;
  }

  public void start() {
    transport.start(this);
  }

  /** {@code listener} runs whenever a session becomes ready. */
  public void onReady(Runnable listener) {
    readinessChanged = listener;
  }

  public SandboxDriver driver() {
    return sandboxes.driver();
  }

  /**
   * Starts a sandbox and opens its session, in state {@link SessionState#STARTING}. (A handshake
   * that beats the registration goes unanswered, and the agent sends it again.)
   */
  public AgentSession launch() throws IOException {
    AgentSession session = new AgentSession(sandboxes.create(), transport, timers, () -> readinessChanged.run());
    byId.put(session.id(), session);
    return session;
  }

  public Optional<AgentSession> get(String sandboxId) {
    return Optional.ofNullable(byId.get(sandboxId));
  }

  /** Ends the session and destroys its sandbox (its credentials with it); blocks while it is torn down. */
  public void destroy(AgentSession session) {
    byId.remove(session.id());
    LOG.info("Destroying sandbox vmid={} state={}", session.id(), session.state().wireName());
    session.end();
    sandboxes.destroy(session.sandbox());
  }

  @Override
  public boolean handshake(String sandboxId, String message) {
    AgentSession session = byId.get(sandboxId);
    if (session == null) {
      return false;
    }
    if (session.handshook()) {
      LOG.info("Received agent handshake message=\"{}\" vmid={}", message, sandboxId);
    } else {
      LOG.info("Agent reconnected and handshook again vmid={} state={}", sandboxId, session.state().wireName());
    }
    return true;
  }

  @Override
  public void log(String sandboxId, AgentLogLine line) {
    AgentSession session = byId.get(sandboxId);
    if (session != null) {
      session.log(line);
    }
  }

  @Override
  public void event(String sandboxId, String type, WorkloadEvent event) {
    AgentSession session = byId.get(sandboxId);
    if (session != null) {
      session.event(type, event);
    }
  }

  @Override
  public void connectionLost() {
    if (connected.compareAndSet(true, false)) {
      LOG.warn("Lost the connection to the internal server; agents get no new work until they answer again");
    }
    byId.values().forEach(AgentSession::connectionLost);
  }

  @Override
  public void connectionRestored() {
    connected.set(true);
    LOG.info("Connection to the internal server is back; pinging agents");
    byId.values().stream().filter(s -> s.state() == SessionState.DISCONNECTED).forEach(s -> s.ping(reviveTimeout)
        .exceptionally(failure -> {
          LOG.debug("Agent did not answer after the reconnect vmid={}: {}", s.id(), failure.getMessage());
          return null;
        }));
  }

  @Override
  public void close() {
    transport.close();
    timers.shutdownNow();
  }
}
