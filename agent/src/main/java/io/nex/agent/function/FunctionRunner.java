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

  /**
   * Runs one invocation on the calling thread, which must come from {@link #callerThread}: for a
   * caller with nothing else to do meanwhile, it spares the hand-over to a worker. Returns when
   * the run has ended, with the future complete (see {@link #start}) — unless the run is stuck in
   * a host-service call: the future then fails at the time limit, and this thread is held until
   * that call returns.
   */
  CompletableFuture<byte[]> runHere(String triggerSubject, byte[] payload);

  /** A thread that may call {@link #runHere}: its stack is as deep as the workers' that run {@link #start}. */
  static Thread callerThread(String name, Runnable task) {
    return Invocations.thread(name, task);
  }

  /** Runs the function once and waits for it; see {@link #start}. */
  default byte[] invoke(String triggerSubject, byte[] payload) throws FunctionException {
    return Invocations.await(start(triggerSubject, payload));
  }

  /** Interrupts invocations in flight; later invocations are refused. */
  @Override
  void close();
}
