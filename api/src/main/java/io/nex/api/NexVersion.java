package io.nex.api;

/** The version every node, agent and CLI reports. */
public final class NexVersion {
  public static final String VERSION = "0.1.0";

  private NexVersion() {}
}
