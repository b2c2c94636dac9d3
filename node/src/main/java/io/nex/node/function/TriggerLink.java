package io.nex.node.function;

import io.nex.api.agent.TriggerResult;
import java.util.concurrent.CompletableFuture;

/** How the node hands functions' triggers to an agent, and gets their results back. */
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

  /**
   * Calls a function once, but may hold the call back until {@link #flush}: the caller knows
   * more triggers are waiting right behind this one.
   */
  default CompletableFuture<TriggerResult> callLater(String function, String subject, byte[] payload,
      String traceparent) {
    return call(function, subject, payload, traceparent);
  }

  /** Sends the calls held back by {@link #callLater}. */
  default void flush() {
  }

  /** Sends no more; results of calls already sent still arrive. */
  @Override
  void close();
}
