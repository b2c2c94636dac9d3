package io.nex.node.pool;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.HandshakeRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers agents' handshakes on the internal server. The sandbox id is taken from the subject,
 * which the server guarantees (an agent can publish only under its own {@code hostint.{id}}),
 * and never from the body.
 */
public final class HandshakeListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeListener.class);

  private final Connection internal;
  private final WarmPool pool;
  private Dispatcher dispatcher;

  public HandshakeListener(Connection internal, WarmPool pool) {
    this.internal = internal;
    this.pool = pool;
  }

  public void start() {
    dispatcher = internal.createDispatcher(msg -> {
      String id = Subjects.sandboxIdOf(msg.getSubject());
      String message;
      try {
        message = Json.read(msg.getData(), HandshakeRequest.class).message();
      } catch (Json.MalformedJsonException e) {
        LOG.warn("Ignoring a malformed handshake vmid={}: {}", id, e.getMessage());
        return;
      }
      if (!pool.handshakeReceived(id)) {
        LOG.warn("Ignoring a handshake from an unknown sandbox vmid={}", id);
        return;
      }
      LOG.info("Received agent handshake message=\"{}\" vmid={}", message, id);
      if (msg.getReplyTo() != null) {
        internal.publish(msg.getReplyTo(), "{}".getBytes(StandardCharsets.UTF_8));
      }
    });
    dispatcher.subscribe(Subjects.handshake("*"));
  }

  @Override
  public void close() {
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
  }

}
