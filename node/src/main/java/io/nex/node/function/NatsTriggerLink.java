package io.nex.node.function;

import io.nats.client.impl.Headers;
import io.nex.api.agent.AgentSpan;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.TriggerResult;
import io.nex.node.session.AgentReply;
import io.nex.node.session.AgentSession;
import java.util.Base64;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Triggers as {@code agentint.{id}.trigger} requests over the internal server (SPEC §5): for
 * sandboxes that do not share the node's files (VMs), where no trigger socket can reach.
 */
final class NatsTriggerLink implements TriggerLink {
  private final AgentSession session;
  private final Duration timeout;

  NatsTriggerLink(AgentSession session, Duration timeout) {
    this.session = session;
    this.timeout = timeout;
  }

  /**
   * A trigger that finds nobody is sent again within its timeout by the session, then fails.
   * {@code function} is always null: function hosts take their triggers on a socket.
   */
  @Override
  public CompletableFuture<TriggerResult> call(String function, String subject, byte[] payload, String traceparent) {
    return session.trigger(subject, payload, traceparent, timeout).thenApply(NatsTriggerLink::result);
  }

  private static TriggerResult result(AgentReply reply) {
    Headers headers = reply.headers();
    String error = headers == null ? null : headers.getFirst(FunctionHeaders.ERROR);
    String runtime = headers == null ? null : headers.getFirst(FunctionHeaders.RUNTIME_NS);
    TriggerResult result = error != null ? TriggerResult.failed(0, error)
        : TriggerResult.succeeded(0, runtime == null ? -1 : Long.parseLong(runtime), reply.data());
    String spans = headers == null ? null : headers.getFirst(FunctionHeaders.SPANS);
    return spans == null ? result : result.withSpans(AgentSpan.decode(Base64.getDecoder().decode(spans)));
  }

  @Override
  public void close() {
    // nothing of its own: the session belongs to the deployment
  }
}
