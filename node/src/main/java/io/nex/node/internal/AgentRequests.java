package io.nex.node.internal;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests from the node to an agent, with replies addressed to {@code hostint.{id}.reply.{token}}:
 * a subject the agent may publish on anyway. (An agent may not publish into the node's own inbox,
 * and nats-server's {@code allow_responses} forgets its grants on every config reload, which
 * happens whenever a sandbox comes or goes.) A reply from another sandbox cannot land here: its
 * agent cannot publish under this sandbox's id.
 */
public final class AgentRequests implements AutoCloseable {
  private static final long SWEEP_MILLIS = 50;

  private final Connection internal;
  private final String prefix = NUID.nextGlobal();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "agent-request-timeouts");
    thread.setDaemon(true);
    return thread;
  });
  private Dispatcher dispatcher;

  public AgentRequests(Connection internal) {
    this.internal = internal;
  }

  public void start() {
    dispatcher = internal.createDispatcher(this::complete);
    dispatcher.subscribe("hostint.*.reply." + prefix + ".*");
    sweeper.scheduleWithFixedDelay(this::expire, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void complete(Message reply) {
    String subject = reply.getSubject();
    CompletableFuture<Message> waiting = pending.remove(subject);
    if (waiting != null) {
      waiting.complete(reply);
    }
  }

  /** Sends {@code body} to {@code subject} of sandbox {@code sandboxId}; empty if no reply came in time. */
  public Optional<Message> request(String sandboxId, String subject, byte[] body, Duration timeout)
      throws InterruptedException {
    return request(sandboxId, subject, null, body, timeout);
  }

  /** As {@link #request(String, String, byte[], Duration)}, with headers (a trigger's subject). */
  public Optional<Message> request(String sandboxId, String subject, Headers headers, byte[] body, Duration timeout)
      throws InterruptedException {
    try {
      return Optional.of(requestAsync(sandboxId, subject, headers, body, timeout).get());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        return Optional.empty();
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Sends without waiting: the future completes with the reply, or exceptionally with a
   * {@link TimeoutException}. Triggers use it so that no thread waits per message in flight.
   */
  public CompletableFuture<Message> requestAsync(String sandboxId, String subject, Headers headers, byte[] body,
      Duration timeout) {
    String replyTo = "hostint." + sandboxId + ".reply." + prefix + "." + NUID.nextGlobalSequence();
    Pending reply = new Pending(System.nanoTime() + timeout.toNanos());
    pending.put(replyTo, reply);
    internal.publish(subject, replyTo, headers, body);
    return reply;
  }

  /**
   * Fails the requests whose time is up. One sweep over the (few) requests in flight every
   * {@link #SWEEP_MILLIS} instead of a timer per request: at thousands of triggers a second,
   * scheduling and cancelling a timer each cost more than the rest of the node's work on them.
   */
  private void expire() {
    long now = System.nanoTime();
    pending.entrySet().removeIf(entry -> now - entry.getValue().deadlineNanos >= 0
        && entry.getValue().completeExceptionally(new TimeoutException("no reply from the agent in time")));
  }

  /** A reply on its way, and when to stop waiting for it. */
  private static final class Pending extends CompletableFuture<Message> {
    private final long deadlineNanos;

    private Pending(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
    pending.values().forEach(f -> f.cancel(false));
  }
}
