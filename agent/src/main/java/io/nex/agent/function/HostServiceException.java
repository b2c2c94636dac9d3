package io.nex.agent.function;

/** A host service refused or failed a call, e.g. "kv is disabled on this node"; the message reaches the function. */
public final class HostServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  public HostServiceException(String message) {
    super(message);
  }
}
