package io.nex.node.control;

/** A request the node answers with an error; the message is the reply's {@code error}. */
public final class RequestRefusedException extends Exception {
  public RequestRefusedException(String message) {
    super(message);
  }
}
