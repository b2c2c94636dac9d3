package io.nex.agent.function;

import java.util.concurrent.CompletableFuture;

/**
 * A deployed function, ready to run once per trigger message. Safe to call from several threads
 * at once: every invocation gets its own scope (JavaScript) or instance (WebAssembly).
 */
public interface FunctionRunner extends AutoCloseable {
  /**
   * Starts one run and returns at once. The future completes with the output, or exceptionally
   * with a FunctionException carrying a one-line reason (failure, timeout, limit breach); it
   * completes by the time limit even when the function is stuck.
   */
  CompletableFuture<byte[]> start(String triggerSubject, byte[] payload);

  /** Runs the function once and waits for it; see {@link #start}. */
  default byte[] invoke(String triggerSubject, byte[] payload) throws FunctionException {
    return Invocations.await(start(triggerSubject, payload));
  }

  /** Interrupts invocations in flight; later invocations are refused. */
  @Override
  void close();
}
