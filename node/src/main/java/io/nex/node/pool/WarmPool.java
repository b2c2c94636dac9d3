package io.nex.node.pool;

import io.nex.api.control.InfoResponse.PooledAgent;
import io.nex.node.sandbox.ParallelTeardown;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.SessionListener;
import io.nex.node.session.SessionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code size} sandboxes started, each with an agent session that is ready or about to be.
 * A deploy takes a session that is ready now: ready by its state (handshaken, not disconnected
 * since) and answering a ping within {@code agent_ping_timeout_ms}. An agent that does not
 * handshake in time means the node cannot place work reliably: the pool reports it as fatal, as
 * Nex's node does.
 */
public final class WarmPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  private final int size;
  private final AgentSessions sessions;
  private final Duration handshakeTimeout;
  private final Duration pingTimeout;
  private final Consumer<String> onFatal;
  private final Map<String, AgentSession> waiting = new ConcurrentHashMap<>();
  private final ExecutorService launcher = Executors.newSingleThreadExecutor(daemon("pool-launcher"));
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("pool-timer"));
  private int launching;
  private volatile boolean closed;

  public WarmPool(int size, AgentSessions sessions, Duration handshakeTimeout, Duration pingTimeout,
      Consumer<String> onFatal) {
    this.size = size;
    this.sessions = sessions;
    this.handshakeTimeout = handshakeTimeout;
    this.pingTimeout = pingTimeout;
    this.onFatal = onFatal;
    sessions.onReady(this::readinessChanged);
  }

  /** Starts sandboxes until the pool holds {@code size}; returns at once. */
  public synchronized void fill() {
    while (!closed && waiting.size() + launching < size) {
      launching++;
      launcher.execute(this::launchOne);
    }
  }

  private void launchOne() {
    AgentSession session;
    try {
      session = sessions.launch();
    } catch (Exception e) {
      synchronized (this) {
        launching--;
      }
      if (!closed) {
        onFatal.accept("Could not start a sandbox: " + e.getMessage());
      }
      return;
    }
    synchronized (this) {
      launching--;
      if (closed) {
        sessions.destroy(session);
        return;
      }
      keep(session);
    }
    LOG.info("Adding new sandbox to warm pool vmid={}", session.id());
    timers.schedule(() -> checkHandshake(session), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void keep(AgentSession session) {
    waiting.put(session.id(), session);
    session.listen(new SessionListener() {
      @Override
      public void exited(int code) {
        agentExited(session, code);
      }
    });
  }

  private void checkHandshake(AgentSession session) {
    if (!closed && session.state() == SessionState.STARTING && waiting.containsKey(session.id())) {
      onFatal.accept("Did not receive a handshake from agent vmid=" + session.id() + " within "
          + handshakeTimeout.toMillis() + " ms; exiting unstable node");
    }
  }

  private void agentExited(AgentSession session, int code) {
    if (closed || waiting.remove(session.id()) == null) {
      return;
    }
    if (!session.hasHandshaken()) {
      onFatal.accept("Agent vmid=" + session.id() + " exited with code " + code + " before its handshake");
      return;
    }
    LOG.warn("Warm agent exited with code {}; replacing it vmid={}", code, session.id());
    sessions.destroy(session);
    fill();
  }

  private synchronized void readinessChanged() {
    notifyAll();
  }

  /**
   * Takes a session that is ready now out of the pool, for a deploy, waiting up to {@code wait}
   * for one. A candidate that does not answer its ping stays in the pool as disconnected (its
   * agent's re-handshake or a later answer makes it ready again) and the next one is tried. The
   * caller refills ({@link #fill()}) once its deploy is done: starting a replacement agent is a
   * JVM start, and on a small host it would compete with the deploy for the CPU.
   */
  public Optional<AgentSession> take(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<AgentSession> candidate = nextReady(deadline);
      if (candidate.isEmpty()) {
        return candidate;
      }
      AgentSession session = candidate.get();
      try {
        session.ping(pingTimeout).get();
        return candidate;
      } catch (ExecutionException e) {
        LOG.warn("Warm agent did not answer its ping within {} ms; not handing it out vmid={}",
            pingTimeout.toMillis(), session.id());
        putBack(session);
      }
    }
  }

  private synchronized Optional<AgentSession> nextReady(long deadline) throws InterruptedException {
    while (!closed) {
      Optional<AgentSession> ready = waiting.values().stream()
          .filter(s -> s.state() == SessionState.READY)
          .findFirst();
      if (ready.isPresent()) {
        waiting.remove(ready.get().id());
        return ready;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return Optional.empty();
  }

  /**
   * Takes back a session whose deploy never reached its agent: the sandbox is as it was, so it
   * waits for its agent to be ready again instead of being destroyed.
   */
  public void putBack(AgentSession session) {
    synchronized (this) {
      if (closed || session.state() == SessionState.GONE) {
        sessions.destroy(session);
        return;
      }
      keep(session);
    }
    if (session.sandbox().onExit().isDone()) {
      agentExited(session, session.sandbox().onExit().join());
    }
  }

  /** Sandboxes whose agent is ready (by its state) and that wait for a workload. */
  public int readyCount() {
    return (int) waiting.values().stream().filter(s -> s.state() == SessionState.READY).count();
  }

  public List<PooledAgent> snapshot() {
    List<PooledAgent> agents = new ArrayList<>();
    waiting.values().forEach(s -> agents.add(new PooledAgent(s.id(), s.state().wireName())));
    agents.sort((a, b) -> a.id().compareTo(b.id()));
    return agents;
  }

  /** From now on nothing is launched or replaced: the node is stopping, and {@link #close} destroys what is left. */
  public synchronized void stopReplacing() {
    closed = true;
    notifyAll();
  }

  /** Destroys every pooled sandbox; used on shutdown. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    launcher.shutdown();
    try {
      launcher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    ParallelTeardown.run("pool-teardown", List.copyOf(waiting.values()), sessions::destroy);
    waiting.clear();
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
