package io.nex.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nex.node.sandbox.namespace.NamespaceSandboxDriver;

/** For tests that need the namespace sandbox: skipped, with the reason, where it cannot run. */
final class NamespaceSandboxes {
  private NamespaceSandboxes() {}

  static void assumeAvailable() {
    var unavailable = NamespaceSandboxDriver.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> "namespace sandbox unavailable here: " + unavailable.orElse(""));
  }
}
