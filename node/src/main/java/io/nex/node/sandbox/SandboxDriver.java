package io.nex.node.sandbox;

import java.io.IOException;

/** Starts sandboxes of one kind ({@code process}, {@code namespace}, {@code qemu}, ...). */
public interface SandboxDriver {
  /** The name users write in {@code sandbox} and see in {@code node info}. */
  String kind();

  /** False when workloads run with the node's own privileges; the node then tags itself {@code nex.unsafe}. */
  boolean isolated();

  Sandbox launch(SandboxSpec spec) throws IOException;
}
