package io.nex.node.function;

import io.nex.api.agent.TriggerResult;
import java.util.concurrent.CompletableFuture;

/**
 * How the node hands functions' triggers to an agent, and gets their results back. Called on the
 * {@link TriggerLoop}, which owns the socket links: a call may go out at the end of the loop's
 * turn, with the rest of its burst.
 */
interface TriggerLink extends AutoCloseable {
  /**
   * Runs a function once: {@code function} names it in a function host, and is null for the
   * agent of one workload. The future completes with the agent's result, or exceptionally with a
   * TimeoutException when none came in time, or with the reason the agent cannot be reached.
   * {@code traceparent} is the node's span of a traced trigger (the agent's spans come back in the
   * result), null for an untraced one.
   */
  CompletableFuture<TriggerResult> call(String function, String subject, byte[] payload, String traceparent);

  /** An untraced call to the agent's one workload. */
  default CompletableFuture<TriggerResult> call(String subject, byte[] payload) {
    return call(null, subject, payload, null);
  }

  /** Sends no more; results of calls already sent still arrive. */
  @Override
  void close();
}
