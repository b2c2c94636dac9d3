package io.nex.node.session;

import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;

/**
 * What agents say to the node, by sandbox id (which the transport vouches for: on the internal
 * server an agent can publish only under its own {@code hostint.{id}}), and what becomes of the
 * node's own connection to them.
 */
public interface AgentInbound {
  /** An agent handshook; false if no session has that id (the transport then does not answer). */
  boolean handshake(String sandboxId, String message);

  void log(String sandboxId, AgentLogLine line);

  void event(String sandboxId, String type, WorkloadEvent event);

  /** The node's connection to its agents is down: none of them hears the node now. */
  void connectionLost();

  /** The node's connection is back; agents come back on their own schedule. */
  void connectionRestored();
}
