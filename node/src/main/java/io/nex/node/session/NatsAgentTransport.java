package io.nex.node.session;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.HandshakeRequest;
import io.nex.api.agent.WorkloadEvent;
import io.nex.node.internal.PendingReplies;
import io.nex.node.workload.Artifact;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents over the internal nats-server. Requests carry replies to
 * {@code hostint.{id}.reply.{token}}: a subject the agent may publish on anyway (an agent may not
 * publish into the node's own inbox, and nats-server's {@code allow_responses} forgets its grants
 * on every config reload, which happens whenever a sandbox comes or goes). A reply from another
 * sandbox cannot land here: its agent cannot publish under this sandbox's id. What agents publish
 * (handshakes, logs, events) is taken by sandbox id from the subject, which the server vouches for,
 * never from the body. Artifacts for VMs are served in chunks ({@link ArtifactServer}).
 */
public final class NatsAgentTransport implements AgentTransport {
  private static final Logger LOG = LoggerFactory.getLogger(NatsAgentTransport.class);
  private static final byte[] HANDSHAKE_ACK = "{}".getBytes(StandardCharsets.UTF_8);

  private final Connection internal;
  private final String prefix = NUID.nextGlobal();
  private final PendingReplies<String, AgentReply> pending = new PendingReplies<>("no reply from the agent in time");
  private final ArtifactServer artifacts;
  private Dispatcher replies;
  private Dispatcher handshakes;
  private Dispatcher voices;
  private ConnectionListener connectionEvents;

  public NatsAgentTransport(Connection internal) {
    this.internal = internal;
    this.artifacts = new ArtifactServer(internal);
  }

  @Override
  public void start(AgentInbound inbound) {
    connectionEvents = (connection, event) -> {
      if (event == ConnectionListener.Events.DISCONNECTED) {
        inbound.connectionLost();
      } else if (event == ConnectionListener.Events.RECONNECTED) {
        inbound.connectionRestored();
      }
    };
    internal.addConnectionListener(connectionEvents);
    replies = internal.createDispatcher(reply -> pending.complete(reply.getSubject(), reply.isStatusMessage()
        && reply.getStatus().getCode() == 503 ? AgentReply.nobodyListened()
        : AgentReply.answered(reply.getHeaders(), reply.getData())));
    replies.subscribe("hostint.*.reply." + prefix + ".*");
    // logs and events share a dispatcher, so a workload's last lines come before its end; ending a
    // workload destroys its sandbox, which must not hold up other agents' handshakes
    handshakes = internal.createDispatcher(msg -> handshake(inbound, msg));
    handshakes.subscribe(Subjects.handshake("*"));
    voices = internal.createDispatcher();
    voices.subscribe(Subjects.agentLogs("*"), msg -> read(msg, AgentLogLine.class)
        .ifPresent(line -> inbound.log(Subjects.sandboxIdOf(msg.getSubject()), line)));
    voices.subscribe(Subjects.agentEvents("*", "*"), msg -> read(msg, WorkloadEvent.class).ifPresent(event -> {
      String type = msg.getSubject().substring(msg.getSubject().lastIndexOf('.') + 1);
      inbound.event(Subjects.sandboxIdOf(msg.getSubject()), type, event);
    }));
    artifacts.start();
  }

  private void handshake(AgentInbound inbound, Message msg) {
    String id = Subjects.sandboxIdOf(msg.getSubject());
    Optional<HandshakeRequest> hello = read(msg, HandshakeRequest.class);
    if (hello.isEmpty()) {
      LOG.warn("Ignoring a malformed handshake vmid={}", id);
      return;
    }
    if (!inbound.handshake(id, hello.get().message())) {
      LOG.warn("Ignoring a handshake from an unknown sandbox vmid={}", id);
      return;
    }
    if (msg.getReplyTo() != null) {
      internal.publish(msg.getReplyTo(), HANDSHAKE_ACK);
    }
  }

  /** An agent that cannot write JSON gets no voice. */
  private static <T> Optional<T> read(Message msg, Class<T> type) {
    try {
      return Optional.of(Json.read(msg.getData(), type));
    } catch (Json.MalformedJsonException e) {
      return Optional.empty();
    }
  }

  @Override
  public CompletableFuture<AgentReply> send(String sandboxId, AgentCall call, Headers headers, byte[] body,
      Duration timeout) {
    String replyTo = "hostint." + sandboxId + ".reply." + prefix + "." + NUID.nextGlobalSequence();
    CompletableFuture<AgentReply> reply = pending.expect(replyTo, timeout);
    try {
      internal.publish(call.subject(sandboxId), replyTo, headers, body);
    } catch (IllegalStateException e) {
      // closed, or the reconnect buffer is full: the agent did not see it
      pending.complete(replyTo, AgentReply.nobodyListened());
    }
    return reply;
  }

  @Override
  public void offerArtifact(String sandboxId, Artifact artifact) {
    artifacts.offer(sandboxId, artifact);
  }

  @Override
  public void withdrawArtifact(String sandboxId) {
    artifacts.withdraw(sandboxId);
  }

  @Override
  public void close() {
    if (connectionEvents != null) {
      internal.removeConnectionListener(connectionEvents);
    }
    if (internal.getStatus() == Connection.Status.CONNECTED) {
      for (Dispatcher dispatcher : new Dispatcher[] {replies, handshakes, voices}) {
        if (dispatcher != null) {
          internal.closeDispatcher(dispatcher);
        }
      }
    }
    artifacts.close();
    pending.close();
  }
}
