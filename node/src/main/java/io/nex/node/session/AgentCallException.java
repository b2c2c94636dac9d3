package io.nex.node.session;

/**
 * A call to an agent that got no answer by its deadline. {@link #neverReached()}: every attempt
 * found nobody listening, so the agent never saw it (the sandbox is as it was).
 */
public final class AgentCallException extends Exception {
  private final boolean neverReached;

  AgentCallException(String message, boolean neverReached) {
    super(message);
    this.neverReached = neverReached;
  }

  static AgentCallException notConnected(String sandboxId) {
    return new AgentCallException("agent of sandbox " + sandboxId + " is not connected", true);
  }

  static AgentCallException silent(String sandboxId, AgentCall call, long millis) {
    return new AgentCallException("agent of sandbox " + sandboxId + " did not answer the " + call.verb() + " within "
        + millis + " ms", false);
  }

  public boolean neverReached() {
    return neverReached;
  }
}
