package io.nex.node.workload;

/** The artifact cannot be fetched or used; the message names the cause. */
public final class ArtifactException extends Exception {
  public ArtifactException(String message) {
    super(message);
  }
}
