package io.nex.cli;

/** A failure the user sees as one line, {@code nex: <message>}, with exit code 1. */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }
}
