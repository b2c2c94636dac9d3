package io.nex.node.function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that carries function triggers (ours): it reads the trigger subjects' messages
 * on a control-plane connection of its own ({@link TriggerConnection}), hands each to its agent's
 * socket, reads the results back and writes the replies, all on one {@link Selector}. With jnats
 * a trigger crossed two thread hand-offs in the node (its reader to a dispatcher, the reply to
 * its writer) and a result reader per agent socket; each is a wake-up, which on a VM like ours
 * is a hypervisor exit (docs/benchmarks.md). Here a burst of triggers, the results that come
 * back while it is handled and their replies each take one system call per socket.
 *
 * <p>Everything the loop owns (the connection, the parties' sockets, whatever the message
 * handler keeps) is touched on its thread only; other threads hand it work with
 * {@link #execute} or {@link #call}.
 */
final class TriggerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerLoop.class);
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(2);
  private static final long RECONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** Liveness: a ping this often, and a connection with this many unanswered is taken for lost. */
  private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final int MAX_PINGS_OUTSTANDING = 2;

  /** A socket the loop reads and writes for someone else: an agent's trigger socket. */
  interface Party {
    SocketChannel channel();

    /** Reads what the socket holds; false at its end. */
    boolean readable() throws IOException;

    /** Writes what is queued as far as the socket takes it; true when all went. */
    boolean flush() throws IOException;

    /** The socket ended, failed ({@code cause} non-null) or the loop closed: called once, on the loop. */
    void ended(IOException cause);
  }

  private final TriggerConnection nats;
  private final TriggerConnection.Messages messages;
  private final String url;
  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<Party> dirty = new LinkedHashSet<>();
  private final List<Party> parties = new ArrayList<>();
  private SelectionKey natsKey;
  private long nextAttemptNanos;
  private long nextPingNanos;
  private volatile boolean closed;
  /** The node is stopping: its server going away is then expected, not a warning. */
  private volatile boolean quiesced;

  /** {@code url} is the connection's, for the log (without its credentials). */
  TriggerLoop(TriggerConnection nats, String url, TriggerConnection.Messages messages) throws IOException {
    this.nats = nats;
    this.url = url;
    this.messages = messages;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "trigger-loop");
    thread.setDaemon(true);
  }

  /** Connects (on the calling thread, so a refusal is the caller's to report), then starts the loop. */
  void start() throws IOException {
    natsKey = nats.open(OPEN_TIMEOUT).register(selector, SelectionKey.OP_READ);
    nextPingNanos = System.nanoTime() + PING_NANOS;
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop: now when called there, else at its next turn. */
  void execute(Runnable task) {
    if (inLoop()) {
      task.run();
      return;
    }
    tasks.add(task);
    selector.wakeup();
  }

  /** Runs {@code task} on the loop and waits for its result; not to be called from the loop. */
  <T> T call(Callable<T> task) throws IOException {
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(() -> {
      try {
        result.complete(task.call());
      } catch (Exception | Error e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(OPEN_TIMEOUT.toMillis() * 5, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } catch (TimeoutException e) {
      throw new IOException("the trigger loop did not answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the trigger loop");
    }
  }

  /** The connection; on the loop only. */
  TriggerConnection nats() {
    return nats;
  }

  /** Starts reading {@code party}'s socket; on the loop only. */
  void register(Party party) throws IOException {
    party.channel().register(selector, SelectionKey.OP_READ, party);
    parties.add(party);
  }

  /** {@code party} has queued output: it is flushed at the end of this turn, with the rest of the burst. */
  void flushLater(Party party) {
    dirty.add(party);
  }

  private void run() {
    while (!closed) {
      try {
        turn();
      } catch (IOException | RuntimeException e) {
        // a failure of one socket is handled where it happens; this is the selector's own
        LOG.warn("Trigger loop: {}", e.toString());
      }
    }
    shutDown();
  }

  private void turn() throws IOException {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
    flushAll();
    selector.select(selectTimeoutMillis());
    for (SelectionKey key : selector.selectedKeys()) {
      try {
        if (key == natsKey) {
          natsReady(key);
        } else {
          partyReady(key, (Party) key.attachment());
        }
      } catch (CancelledKeyException e) {
        // ended while this turn ran
      }
    }
    selector.selectedKeys().clear();
    keepAlive();
  }

  private long selectTimeoutMillis() {
    long until = nats.connected() ? nextPingNanos : nextAttemptNanos;
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
  }

  private void natsReady(SelectionKey key) {
    try {
      if (key.isReadable() && !nats.read(messages)) {
        natsLost("the server closed it");
        return;
      }
      if (key.isValid() && key.isWritable() && nats.flush()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      natsLost(e.getMessage());
    }
  }

  private void partyReady(SelectionKey key, Party party) {
    try {
      if (key.isReadable() && !party.readable()) {
        end(party, null);
        return;
      }
      if (key.isValid() && key.isWritable() && party.flush()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      end(party, e);
    } catch (RuntimeException e) {
      // a party's bug must not leave its socket half-read on the loop
      end(party, new IOException(e.toString(), e));
    }
  }

  /** Writes the turn's output: the agents' calls, then the replies and calls of the NATS connection. */
  private void flushAll() {
    for (Party party : dirty) {
      SelectionKey key = party.channel().keyFor(selector);
      if (key == null || !key.isValid()) {
        continue;
      }
      try {
        if (!party.flush()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
      } catch (IOException e) {
        end(party, e);
      }
    }
    dirty.clear();
    if (nats.connected() && nats.hasOutput()) {
      try {
        if (!nats.flush()) {
          natsKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
      } catch (IOException e) {
        natsLost(e.getMessage());
      }
    }
  }

  private void end(Party party, IOException cause) {
    SelectionKey key = party.channel().keyFor(selector);
    if (key != null) {
      key.cancel();
    }
    if (parties.remove(party)) {
      dirty.remove(party);
      party.ended(cause);
    }
  }

  private void natsLost(String reason) {
    if (natsKey != null) {
      natsKey.cancel();
      natsKey = null;
    }
    nats.lost();
    if (quiesced) {
      LOG.info("Trigger connection to {} closed while the node stops ({})", url, reason);
    } else {
      LOG.warn("Trigger connection to {} lost ({}); reconnecting", url, reason);
    }
    nextAttemptNanos = System.nanoTime();
  }

  /** Reconnects a lost connection, and pings a live one now and then. */
  private void keepAlive() {
    long now = System.nanoTime();
    if (!nats.connected()) {
      if (now - nextAttemptNanos >= 0 && !closed) {
        reconnect();
      }
      return;
    }
    if (now - nextPingNanos >= 0) {
      nextPingNanos = now + PING_NANOS;
      if (nats.pingsOutstanding() >= MAX_PINGS_OUTSTANDING) {
        natsLost(MAX_PINGS_OUTSTANDING + " pings unanswered");
        return;
      }
      nats.ping(() -> { });
    }
  }

  private void reconnect() {
    try {
      natsKey = nats.open(OPEN_TIMEOUT).register(selector, SelectionKey.OP_READ);
      nextPingNanos = System.nanoTime() + PING_NANOS;
      LOG.info("Trigger connection to {} is back", url);
    } catch (IOException e) {
      nats.lost();
      nextAttemptNanos = System.nanoTime() + RECONNECT_NANOS;
      LOG.debug("Trigger connection to {}: {}", url, e.getMessage());
    }
  }

  private void shutDown() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
    flushAll();
    for (Party party : List.copyOf(parties)) {
      end(party, null);
    }
    nats.close();
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /**
   * The node has begun to stop: a terminal's Ctrl-C or systemd stops a local control-plane server
   * with it, and its connection ending then is no cause for a warning.
   */
  void quiesce() {
    quiesced = true;
  }

  /**
   * Stops the loop once the work handed to it so far has run and its output is written; the
   * parties still registered are ended.
   */
  @Override
  public void close() {
    if (!thread.isAlive() && !closed) {
      closed = true; // never started, or its thread is gone
      shutDown();
      return;
    }
    execute(() -> closed = true);
    if (!inLoop()) {
      try {
        thread.join(OPEN_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
