package io.nex.node.function;

import io.nex.api.agent.TriggerResult;
import java.util.concurrent.CompletableFuture;

/** How the node hands one function's triggers to its agent, and gets their results back. */
interface TriggerLink extends AutoCloseable {
  /**
   * Runs the function once. The future completes with the agent's result, or exceptionally with a
   * TimeoutException when none came in time, or with the reason the agent cannot be reached.
   */
  CompletableFuture<TriggerResult> call(String subject, byte[] payload);

  /** Sends no more; results of calls already sent still arrive. */
  @Override
  void close();
}
