package io.nex.agent.function;

/**
 * A function was refused at deploy time or failed one invocation. The message is one line, fit
 * for a user and for a log line: line breaks in what it was built from are folded into spaces.
 */
public final class FunctionException extends Exception {
  private static final long serialVersionUID = 1L;

  public FunctionException(String message) {
    super(message == null ? "function failed" : message.strip().replaceAll("\\s*\\R\\s*", " "));
  }
}
