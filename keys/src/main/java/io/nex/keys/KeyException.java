package io.nex.keys;

/**
 * A key, sealed box or JWT was refused. The message is a one-line reason meant for the person
 * who supplied the input; it never contains a seed or plaintext.
 */
public final class KeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KeyException(String reason) {
    super(reason);
  }

  KeyException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
