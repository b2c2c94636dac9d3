package io.nex.agent.function;

import java.time.Duration;

/**
 * Bounds on one function. {@code timeout} bounds each invocation; {@code memoryMib} caps a
 * WebAssembly instance's linear memory (JavaScript runs in the agent's heap); {@code maxScriptBytes}
 * caps a JavaScript source at deploy time.
 */
public record FunctionLimits(Duration timeout, int memoryMib, int maxScriptBytes) {
  public FunctionLimits {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (memoryMib < 1) {
      throw new IllegalArgumentException("memoryMib must be positive, was " + memoryMib);
    }
    if (maxScriptBytes < 1) {
      throw new IllegalArgumentException("maxScriptBytes must be positive, was " + maxScriptBytes);
    }
  }

  /** Nex's own: 5 s per call, 256 MiB, 12 KiB scripts. */
  public static FunctionLimits defaults() {
    return new FunctionLimits(Duration.ofSeconds(5), 256, 12288);
  }
}
