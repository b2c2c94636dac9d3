package io.nex.node.session;

import io.nex.api.Subjects;

/** What the node asks an agent, each on its own {@code agentint.{id}.…} subject. */
public enum AgentCall {
  DEPLOY("deploy"),
  UNDEPLOY("undeploy"),
  PING("ping"),
  TRIGGER("trigger"),
  /** Ours: one more function into a function host. */
  ADD_FUNCTION("add function"),
  /** Ours: one function out of a function host. */
  REMOVE_FUNCTION("remove function");

  private final String verb;

  AgentCall(String verb) {
    this.verb = verb;
  }

  /** The subject the agent of {@code sandboxId} listens on for this call. */
  public String subject(String sandboxId) {
    return switch (this) {
      case DEPLOY -> Subjects.agentDeploy(sandboxId);
      case UNDEPLOY -> Subjects.agentUndeploy(sandboxId);
      case PING -> Subjects.agentPing(sandboxId);
      case TRIGGER -> Subjects.agentTrigger(sandboxId);
      case ADD_FUNCTION -> Subjects.agentAddFunction(sandboxId);
      case REMOVE_FUNCTION -> Subjects.agentRemoveFunction(sandboxId);
    };
  }

  /** For messages: "deploy", "ping". */
  public String verb() {
    return verb;
  }
}
