package io.nex.node;

/** The node could not start; the message is the one line the user sees. */
public final class NodeStartException extends Exception {
  public NodeStartException(String message) {
    super(message);
  }
}
