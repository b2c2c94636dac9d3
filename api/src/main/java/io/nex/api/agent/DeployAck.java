package io.nex.api.agent;

/**
 * Agent → node reply to a deploy. {@code hostMemory} (ours) comes with a function host's answer
 * to an add, else is null.
 */
public record DeployAck(boolean accepted, String message, HostMemory hostMemory) {
  public DeployAck(boolean accepted, String message) {
    this(accepted, message, null);
  }
}
