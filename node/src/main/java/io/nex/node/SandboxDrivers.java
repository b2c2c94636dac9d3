package io.nex.node;

import io.nex.node.config.NodeConfig;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.process.ProcessSandboxDriver;

/**
 * Picks the sandbox driver: the configured one, or with none configured the strongest this
 * build and host can run. Only {@code process} exists so far; the stronger kinds say so plainly
 * instead of falling back behind the user's back.
 */
final class SandboxDrivers {
  private SandboxDrivers() {}

  record Choice(SandboxDriver driver, String reason) {}

  static Choice choose(NodeConfig config) throws NodeStartException {
    String wanted = config.noSandbox() ? "process" : config.sandbox();
    if (wanted == null || wanted.equals("auto")) {
      return new Choice(new ProcessSandboxDriver(config.agentPath()),
          "no sandbox configured; namespace, qemu and firecracker drivers are not available in this build");
    }
    if (wanted.equals("process")) {
      return new Choice(new ProcessSandboxDriver(config.agentPath()),
          config.noSandbox() ? "no_sandbox is true" : "sandbox is \"process\"");
    }
    throw new NodeStartException("sandbox \"" + wanted + "\" cannot run: this build has no " + wanted
        + " driver yet (use \"process\" or leave \"sandbox\" unset)");
  }
}
