package io.nex.api.agent;

import java.util.Optional;

/**
 * Agent → node on {@code hostint.{id}.logs}: one line the workload or the agent printed. In a
 * function host (ours) the line of one function has {@code source} {@code function:{function id}},
 * so the node relays it to that function's log subject and no other.
 */
public record AgentLogLine(String source, int level, String text) {
  private static final String FUNCTION_PREFIX = "function:";

  /** A line printed by the hosted function {@code functionId}. */
  public static AgentLogLine ofFunction(String functionId, int level, String text) {
    return new AgentLogLine(FUNCTION_PREFIX + functionId, level, text);
  }

  /** The hosted function that printed it; empty for a sandbox's one workload or the agent. */
  public Optional<String> functionId() {
    return source != null && source.startsWith(FUNCTION_PREFIX)
        ? Optional.of(source.substring(FUNCTION_PREFIX.length())) : Optional.empty();
  }
}
