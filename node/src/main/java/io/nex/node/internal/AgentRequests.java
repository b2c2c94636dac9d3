package io.nex.node.internal;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Requests from the node to an agent, with replies addressed to {@code hostint.{id}.reply.{token}}:
 * a subject the agent may publish on anyway. (An agent may not publish into the node's own inbox,
 * and nats-server's {@code allow_responses} forgets its grants on every config reload, which
 * happens whenever a sandbox comes or goes.) A reply from another sandbox cannot land here: its
 * agent cannot publish under this sandbox's id.
 */
public final class AgentRequests implements AutoCloseable {
  private final Connection internal;
  private final String prefix = NUID.nextGlobal();
  private final PendingReplies<String, Message> pending = new PendingReplies<>("no reply from the agent in time");
  private Dispatcher dispatcher;

  public AgentRequests(Connection internal) {
    this.internal = internal;
  }

  public void start() {
    dispatcher = internal.createDispatcher(reply -> pending.complete(reply.getSubject(), reply));
    dispatcher.subscribe("hostint.*.reply." + prefix + ".*");
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
    CompletableFuture<Message> reply = pending.expect(replyTo, timeout);
    internal.publish(subject, replyTo, headers, body);
    return reply;
  }

  @Override
  public void close() {
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
    pending.close();
  }
}
