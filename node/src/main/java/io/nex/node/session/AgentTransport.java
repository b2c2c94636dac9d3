package io.nex.node.session;

import io.nats.client.impl.Headers;
import io.nex.node.workload.Artifact;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How requests reach agents and what agents say reaches the node: NATS over the internal server
 * ({@link NatsAgentTransport}) in the node, a scripted fake in unit tests. It sends once and
 * reports what happened; retries, deadlines and readiness are the {@link AgentSession}'s.
 */
public interface AgentTransport extends AutoCloseable {
  /** Starts delivering what agents say (handshakes, logs, events, connection changes) to {@code inbound}. */
  void start(AgentInbound inbound);

  /**
   * Sends {@code call} to the agent of {@code sandboxId} once. The future completes with the reply
   * (possibly {@link AgentReply#nobodyListened()}), or exceptionally with a
   * {@link java.util.concurrent.TimeoutException} when nothing came within {@code timeout}.
   */
  CompletableFuture<AgentReply> send(String sandboxId, AgentCall call, Headers headers, byte[] body,
      Duration timeout);

  /** Lets the agent of {@code sandboxId} fetch {@code artifact} (VMs, which do not share the node's files). */
  void offerArtifact(String sandboxId, Artifact artifact);

  void withdrawArtifact(String sandboxId);

  @Override
  void close();
}
