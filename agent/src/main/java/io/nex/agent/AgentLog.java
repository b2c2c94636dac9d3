package io.nex.agent;

/**
 * The agent's own diagnostics, one line each on stderr, which the node relays into its log.
 * Deliberately not a logging framework: an idle agent should load as few classes as it can.
 */
final class AgentLog {
  private AgentLog() {}

  static void info(String message) {
    System.err.println("agent: " + message);
  }
}
