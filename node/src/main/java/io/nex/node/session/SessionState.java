package io.nex.node.session;

/**
 * Where a conversation with an agent stands.
 *
 * <pre>
 *   STARTING --handshake--> READY --deploy acknowledged--> DEPLOYED
 *                           |   ^
 *        connection lost,   |   |  re-handshake after the agent reconnected,
 *        a no-responder,    v   |  or an answered ping
 *        an unanswered ping DISCONNECTED
 *
 *   any state --sandbox exited or destroyed--> GONE
 * </pre>
 */
public enum SessionState {
  /** The sandbox runs; its agent has not handshaken yet. */
  STARTING("starting"),
  /** The agent handshook and, as far as the node knows now, listens: it may be handed a workload. */
  READY("ready"),
  /** The agent handshook once but may not hear us now; it is handed nothing until it answers again. */
  DISCONNECTED("disconnected"),
  /** The agent runs a workload. */
  DEPLOYED("deployed"),
  /** The sandbox is gone; nothing is sent any more. */
  GONE("gone");

  private final String wireName;

  SessionState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
