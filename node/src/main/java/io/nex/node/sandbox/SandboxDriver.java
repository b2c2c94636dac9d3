package io.nex.node.sandbox;

import java.io.IOException;

/** Starts sandboxes of one kind ({@code process}, {@code namespace}, {@code qemu}, ...). */
public interface SandboxDriver {
  /** The name users write in {@code sandbox} and see in {@code node info}. */
  String kind();

  /** False when workloads run with the node's own privileges; the node then tags itself {@code nex.unsafe}. */
  boolean isolated();

  Sandbox launch(SandboxSpec spec) throws IOException;

  /**
   * True when the agent works in the sandbox's host directory, so that the node can hand it the
   * artifact as a file; a VM's agent has its own disk and fetches it over the internal server.
   */
  default boolean sharesWorkDir() {
    return true;
  }

  /**
   * True when guests reach the host over a CNI network, at {@code internal_node_host}; only
   * then do the config's CNI settings and that host apply.
   */
  default boolean usesCni() {
    return false;
  }
}
