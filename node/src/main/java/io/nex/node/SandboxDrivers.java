package io.nex.node;

import io.nex.node.config.NodeConfig;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.firecracker.FirecrackerSandboxDriver;
import io.nex.node.sandbox.namespace.NamespaceSandboxDriver;
import io.nex.node.sandbox.process.ProcessSandboxDriver;
import io.nex.node.sandbox.qemu.QemuSandboxDriver;
import io.nex.node.vm.GuestImage;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Picks the sandbox driver: the configured one, or with none configured the strongest this
 * host can run (namespace, then process), saying why the stronger ones were skipped. A
 * configured driver that cannot run stops the node with the reason: never a silent downgrade.
 * {@code auto} never picks {@code qemu}: without KVM it emulates the guest in software, which is
 * isolation at a large cost in speed and memory (see docs/microvm.md), so it must be asked for.
 * Nor {@code firecracker}: it is untested against a real Firecracker.
 */
final class SandboxDrivers {
  private SandboxDrivers() {}

  record Choice(SandboxDriver driver, String reason) {}

  static Choice choose(NodeConfig config, String controlPlaneUrl) throws NodeStartException {
    Choice choice = chooseDriver(config, controlPlaneUrl);
    String kind = choice.driver().kind();
    if (rateLimiters(config).any() && !kind.equals("namespace")) {
      // only the namespace sandbox has a disk of its own to throttle and a bridge to shape
      throw new NodeStartException("config field \"rate_limiters\" is applied only by the namespace sandbox, and this "
          + "node would run \"" + kind + "\" sandboxes (" + choice.reason() + "); remove it, or run namespace sandboxes");
    }
    return choice;
  }

  private static NodeConfig.RateLimiters rateLimiters(NodeConfig config) {
    return config.rateLimiters() == null ? NodeConfig.RateLimiters.NONE : config.rateLimiters();
  }

  private static Choice chooseDriver(NodeConfig config, String controlPlaneUrl) throws NodeStartException {
    String wanted = config.noSandbox() ? "process" : config.sandbox();
    if (wanted == null || wanted.equals("auto")) {
      Optional<String> namespaceUnavailable = NamespaceSandboxDriver.unavailableReason();
      if (namespaceUnavailable.isEmpty()) {
        return new Choice(namespace(config, controlPlaneUrl),
            "strongest available; qemu and firecracker run only when configured");
      }
      return new Choice(new ProcessSandboxDriver(config.agentPath(), config.functionHostMemoryMib()),
          "namespace unavailable: " + namespaceUnavailable.get()
              + "; qemu and firecracker run only when configured");
    }
    return switch (wanted) {
      case "process" -> new Choice(new ProcessSandboxDriver(config.agentPath(), config.functionHostMemoryMib()),
          config.noSandbox() ? "no_sandbox is true" : "sandbox is \"process\"");
      case "namespace" -> {
        Optional<String> unavailable = NamespaceSandboxDriver.unavailableReason();
        if (unavailable.isPresent()) {
          throw new NodeStartException("sandbox \"namespace\" cannot run here: " + unavailable.get()
              + " (see nex node preflight)");
        }
        yield new Choice(namespace(config, controlPlaneUrl), "sandbox is \"namespace\"");
      }
      case "firecracker" -> {
        Optional<String> unavailable = FirecrackerSandboxDriver.unavailableReason(config);
        if (unavailable.isPresent()) {
          throw new NodeStartException("sandbox \"firecracker\" cannot run here: " + unavailable.get()
              + " (see nex node preflight)");
        }
        try {
          yield new Choice(new FirecrackerSandboxDriver(config),
              "sandbox is \"firecracker\" (untested against a real Firecracker)");
        } catch (IllegalStateException e) {
          throw new NodeStartException("sandbox \"firecracker\" cannot start: " + e.getMessage());
        }
      }
      case "qemu" -> {
        GuestImage image = GuestImage.of(config.kernelFilepath(), config.rootfsFilepath());
        Optional<String> unavailable = QemuSandboxDriver.unavailableReason(image);
        if (unavailable.isPresent()) {
          throw new NodeStartException("sandbox \"qemu\" cannot run: " + unavailable.get());
        }
        yield new Choice(new QemuSandboxDriver(image, loopbackPort(controlPlaneUrl).map(List::of).orElse(List.of())),
            "sandbox is \"qemu\"");
      }
      default -> throw new NodeStartException("sandbox \"" + wanted + "\" is unknown (use \"namespace\", \"process\", "
          + "\"qemu\" or \"firecracker\", or leave \"sandbox\" unset)");
    };
  }

  /**
   * Workloads in a namespace reach the host only through fixed loopback ports: the internal
   * server's, and the control plane's when it is on this machine (for services such as the
   * echo, which talk to NATS_URL).
   */
  private static SandboxDriver namespace(NodeConfig config, String controlPlaneUrl) throws NodeStartException {
    try {
      return new NamespaceSandboxDriver(config.agentPath(), config.functionHostMemoryMib(),
          loopbackPort(controlPlaneUrl).map(List::of).orElse(List.of()), rateLimiters(config));
    } catch (IOException | IllegalStateException e) {
      throw new NodeStartException("sandbox \"namespace\" cannot start: " + e.getMessage());
    }
  }

  static Optional<Integer> loopbackPort(String url) {
    try {
      URI uri = URI.create(url);
      String host = uri.getHost();
      boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127."));
      return loopback ? Optional.of(uri.getPort() == -1 ? 4222 : uri.getPort()) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
