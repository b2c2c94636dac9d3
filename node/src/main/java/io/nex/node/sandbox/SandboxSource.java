package io.nex.node.sandbox;

import java.io.IOException;

/** Where sandboxes come from and go: {@link SandboxFactory} in the node, a fake in unit tests. */
public interface SandboxSource {
  SandboxDriver driver();

  /** Starts a sandbox with its agent, and whatever the agent needs to reach the node. */
  Sandbox create() throws IOException;

  /** Stops the sandbox and removes what {@link #create()} made for it; blocks until done. */
  void destroy(Sandbox sandbox);
}
