package io.nex.node.function;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.TriggerResult;
import io.nex.node.internal.AgentRequests;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Triggers as {@code agentint.{id}.trigger} requests over the internal server (SPEC §5): for
 * sandboxes that do not share the node's files (VMs), where no trigger socket can reach.
 */
final class NatsTriggerLink implements TriggerLink {
  private final AgentRequests agents;
  private final String sandboxId;
  private final Duration timeout;

  NatsTriggerLink(AgentRequests agents, String sandboxId, Duration timeout) {
    this.agents = agents;
    this.sandboxId = sandboxId;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<TriggerResult> call(String subject, byte[] payload) {
    Headers headers = new Headers().put(FunctionHeaders.TRIGGER_SUBJECT, subject);
    return agents.requestAsync(sandboxId, Subjects.agentTrigger(sandboxId), headers, payload, timeout)
        .thenApply(NatsTriggerLink::result);
  }

  private static TriggerResult result(Message reply) {
    if (reply.isStatusMessage()) {
      // nats-server's "no responders": nothing subscribes to the sandbox's trigger subject, so no
      // function ran, and an empty output must not pass for its answer
      throw new IllegalStateException("the agent takes no triggers (" + reply.getStatus().getMessage() + ")");
    }
    Headers headers = reply.getHeaders();
    String error = headers == null ? null : headers.getFirst(FunctionHeaders.ERROR);
    if (error != null) {
      return TriggerResult.failed(0, error);
    }
    String runtime = headers == null ? null : headers.getFirst(FunctionHeaders.RUNTIME_NS);
    return TriggerResult.succeeded(0, runtime == null ? -1 : Long.parseLong(runtime), reply.getData());
  }

  @Override
  public void close() {
    // nothing of its own: the internal connection and its requests belong to the node
  }
}
