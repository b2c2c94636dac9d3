package io.nex.agent.function;

import java.util.Map;
import java.util.function.Consumer;

/**
 * An artifact checked and compiled once, from which any number of functions start, each with its
 * own environment, host services and log, and its own instances or isolates: what a function host
 * keeps per artifact hash, so that a second function of the same artifact compiles nothing.
 */
@FunctionalInterface
public interface CompiledFunction {
  /** A new function on this artifact; fails with a one-line reason as a deploy would. */
  FunctionRunner start(Map<String, String> env, HostServices hostServices, Consumer<String> logLine)
      throws FunctionException;
}
