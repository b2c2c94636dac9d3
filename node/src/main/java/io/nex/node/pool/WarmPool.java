package io.nex.node.pool;

import io.nex.api.control.InfoResponse.PooledAgent;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code size} sandboxes started, each with an agent that has handshaken or is about to.
 * A deploy takes a ready one and the pool starts a replacement at once. An agent that does not
 * handshake in time means the node cannot place work reliably: the pool reports it as fatal,
 * as Nex's node does.
 */
public final class WarmPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  private final int size;
  private final SandboxFactory factory;
  private final Duration handshakeTimeout;
  private final Consumer<String> onFatal;
  private final Map<String, PoolEntry> entries = new ConcurrentHashMap<>();
  private final ExecutorService launcher = Executors.newSingleThreadExecutor(daemon("pool-launcher"));
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("pool-timer"));
  private int launching;
  private volatile boolean closed;

  public WarmPool(int size, SandboxFactory factory, Duration handshakeTimeout, Consumer<String> onFatal) {
    this.size = size;
    this.factory = factory;
    this.handshakeTimeout = handshakeTimeout;
    this.onFatal = onFatal;
  }

  /** Starts sandboxes until the pool holds {@code size}; returns at once. */
  public synchronized void fill() {
    while (!closed && entries.size() + launching < size) {
      launching++;
      launcher.execute(this::launchOne);
    }
  }

  private void launchOne() {
    Sandbox sandbox;
    try {
      sandbox = factory.create();
    } catch (Exception e) {
      synchronized (this) {
        launching--;
      }
      if (!closed) {
        onFatal.accept("Could not start a sandbox: " + e.getMessage());
      }
      return;
    }
    PoolEntry entry = new PoolEntry(sandbox);
    synchronized (this) {
      launching--;
      if (closed) {
        factory.destroy(sandbox);
        return;
      }
      entries.put(sandbox.id(), entry);
    }
    LOG.info("Adding new sandbox to warm pool vmid={}", sandbox.id());
    timers.schedule(() -> checkHandshake(entry), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    sandbox.onExit().thenAccept(code -> agentExited(entry, code));
  }

  private void checkHandshake(PoolEntry entry) {
    if (!closed && entry.state() == PoolEntry.State.STARTING && entries.containsKey(entry.id())) {
      onFatal.accept("Did not receive a handshake from agent vmid=" + entry.id() + " within "
          + handshakeTimeout.toMillis() + " ms; exiting unstable node");
    }
  }

  private void agentExited(PoolEntry entry, int code) {
    if (closed || entries.remove(entry.id()) == null) {
      return;
    }
    if (entry.state() == PoolEntry.State.STARTING) {
      onFatal.accept("Agent vmid=" + entry.id() + " exited with code " + code + " before its handshake");
      return;
    }
    LOG.warn("Warm agent exited with code {}; replacing it vmid={}", code, entry.id());
    factory.destroy(entry.sandbox());
    fill();
  }

  /** Marks the agent ready; false if no sandbox of this pool has that id. */
  public boolean handshakeReceived(String id) {
    PoolEntry entry = entries.get(id);
    if (entry == null) {
      return false;
    }
    synchronized (this) {
      entry.ready();
      notifyAll();
    }
    return true;
  }

  /**
   * Takes a ready sandbox out of the pool, for a deploy, waiting up to {@code wait} for one. The
   * caller refills ({@link #fill()}) once its deploy is done: starting a replacement agent is a
   * JVM start, and on a small host it would compete with the deploy for the CPU.
   */
  public Optional<Sandbox> take(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Optional<Sandbox> taken;
    synchronized (this) {
      while ((taken = takeReady()).isEmpty() && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return taken;
  }

  private Optional<Sandbox> takeReady() {
    return entries.values().stream()
        .filter(e -> e.state() == PoolEntry.State.READY)
        .findFirst()
        .map(e -> {
          entries.remove(e.id());
          return e.sandbox();
        });
  }

  /** Sandboxes whose agent has handshaken and that wait for a workload. */
  public int readyCount() {
    return (int) entries.values().stream().filter(e -> e.state() == PoolEntry.State.READY).count();
  }

  public List<PooledAgent> snapshot() {
    List<PooledAgent> agents = new ArrayList<>();
    entries.values().forEach(e -> agents.add(new PooledAgent(e.id(), e.state().wireName())));
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
    }
    launcher.shutdown();
    try {
      launcher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    entries.values().parallelStream().forEach(e -> factory.destroy(e.sandbox()));
    entries.clear();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
