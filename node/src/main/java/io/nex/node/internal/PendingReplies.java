package io.nex.node.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replies an agent owes the node, by key, each with a time limit. Overdue ones are failed with a
 * {@link TimeoutException} by one sweep every {@link #SWEEP_MILLIS} instead of a timer per
 * request: at thousands of triggers a second, scheduling and cancelling a timer each cost more
 * than the rest of the node's work on them. One sweeper thread serves every instance.
 */
public final class PendingReplies<K, V> implements AutoCloseable {
  private static final long SWEEP_MILLIS = 50;
  private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "agent-reply-timeouts");
    thread.setDaemon(true);
    return thread;
  });

  private final Map<K, Pending<V>> pending = new ConcurrentHashMap<>();
  private final String timeoutMessage;
  private final ScheduledFuture<?> sweep;

  /** {@code timeoutMessage} is the reason an overdue reply's future fails with. */
  public PendingReplies(String timeoutMessage) {
    this.timeoutMessage = timeoutMessage;
    this.sweep = SWEEPER.scheduleWithFixedDelay(this::expire, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Registers a reply expected under {@code key} within {@code timeout}. */
  public CompletableFuture<V> expect(K key, Duration timeout) {
    Pending<V> reply = new Pending<>(System.nanoTime() + timeout.toNanos());
    pending.put(key, reply);
    return reply;
  }

  /** Completes the reply expected under {@code key}; a late or unknown one is dropped. */
  public void complete(K key, V value) {
    Pending<V> waiting = pending.remove(key);
    if (waiting != null) {
      waiting.complete(value);
    }
  }

  /** Fails the reply expected under {@code key}, e.g. when its request could not be sent. */
  public void fail(K key, Throwable cause) {
    Pending<V> waiting = pending.remove(key);
    if (waiting != null) {
      waiting.completeExceptionally(cause);
    }
  }

  /** Fails every reply still expected, e.g. when the agent's connection is gone. */
  public void failAll(Throwable cause) {
    pending.keySet().forEach(key -> fail(key, cause));
  }

  private void expire() {
    long now = System.nanoTime();
    pending.entrySet().removeIf(entry -> now - entry.getValue().deadlineNanos >= 0
        && entry.getValue().completeExceptionally(new TimeoutException(timeoutMessage)));
  }

  /** A reply on its way, and when to stop waiting for it. */
  private static final class Pending<V> extends CompletableFuture<V> {
    private final long deadlineNanos;

    private Pending(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }
  }

  /** Stops the sweeps; replies still expected are cancelled. */
  @Override
  public void close() {
    sweep.cancel(false);
    pending.values().forEach(f -> f.cancel(false));
    pending.clear();
  }
}
