package io.nex.agent.function;

/**
 * A deployed function, ready to run once per trigger message. Safe to call from several threads
 * at once: every invocation gets its own scope (JavaScript) or instance (WebAssembly).
 */
public interface FunctionRunner extends AutoCloseable {
  /** Runs the function once. Throws FunctionException with a one-line reason on failure, timeout, or limit breach. */
  byte[] invoke(String triggerSubject, byte[] payload) throws FunctionException;

  /** Interrupts invocations in flight; later invocations are refused. */
  @Override
  void close();
}
