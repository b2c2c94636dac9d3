package io.nex.node.workload;

/** A deploy or stop the node refuses; the message is the reply's {@code error} and never holds a secret. */
public final class RefusedException extends Exception {
  public RefusedException(String message) {
    super(message);
  }
}
