package io.nex.node.session;

import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;

/**
 * Hears what one agent says and when its sandbox exits. Called on transport threads: must not block.
 */
public interface SessionListener {
  SessionListener NONE = new SessionListener() {};

  default void log(AgentLogLine line) {}

  /** An event the agent reported about its workload ({@code type} as in {@code EventTypes}). */
  default void event(String type, WorkloadEvent event) {}

  /** The agent (its sandbox) exited with {@code code}. */
  default void exited(int code) {}
}
