package io.nex.node.controlplane;

/** The control plane cannot be reached; the message names the URL. */
public final class ControlPlaneException extends Exception {
  public ControlPlaneException(String message) {
    super(message);
  }
}
