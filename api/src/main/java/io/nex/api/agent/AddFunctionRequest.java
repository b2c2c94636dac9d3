package io.nex.api.agent;

import java.util.regex.Pattern;

/**
 * Node → agent on {@code agentint.{id}.functions.add} (ours, not Nex's): the sandbox is a function
 * host, and takes one more function, {@code function}, under the workload id {@code functionId}.
 * Unless the host has been given this artifact before, the node has put it in
 * {@link #artifactFile} of the agent's working directory, checked against {@code function.hash()};
 * the agent compiles an artifact once and keeps it while any of its functions uses it. Before it
 * answers its first add with a {@link DeployAck}, the agent listens on
 * {@link AgentDeployRequest#TRIGGER_SOCKET_FILE}, where the node then sends the triggers of all the
 * host's functions, each {@link TriggerCall} naming its function. Only where the sandbox shares the
 * node's files (not a VM).
 */
public record AddFunctionRequest(String functionId, AgentDeployRequest function) {
  // names become file names in the sandbox: nothing that could climb out of its directory
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9]{1,64}");

  /** The artifact's file name in the host's working directory: one per artifact hash. */
  public static String artifactFile(String hash) {
    return "fn-" + requireSafe(hash) + ".artifact";
  }

  /** Whether {@code name} may name a file in a sandbox (a hash or a function id). */
  public static boolean isSafe(String name) {
    return name != null && SAFE.matcher(name).matches();
  }

  private static String requireSafe(String name) {
    if (!isSafe(name)) {
      throw new IllegalArgumentException("not a hash or function id: \"" + name + "\"");
    }
    return name;
  }

  @Override
  public String toString() {
    return "AddFunctionRequest[functionId=" + functionId + ", function=" + function + "]";
  }
}
