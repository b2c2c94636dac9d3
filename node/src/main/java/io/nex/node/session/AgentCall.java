package io.nex.node.session;

import io.nex.api.Subjects;

/** What the node asks an agent, each on its own {@code agentint.{id}.…} subject. */
public enum AgentCall {
  DEPLOY("deploy"),
  UNDEPLOY("undeploy"),
  PING("ping"),
  TRIGGER("trigger");

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
    };
  }

  /** For messages: "deploy", "ping". */
  public String verb() {
    return verb;
  }
}
