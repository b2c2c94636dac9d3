package io.nex.node.preflight;

import io.nex.node.config.NodeConfig;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.sandbox.firecracker.FirecrackerSandboxDriver;
import io.nex.node.sandbox.firecracker.HostKvm;
import io.nex.node.sandbox.namespace.NamespaceSandboxDriver;
import io.nex.node.vm.GuestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node needs, checked against this host: nats-server, the sandbox drivers' binaries,
 * kernel and rootfs for VMs, a usable KVM, CNI plugins, cgroups. The chosen sandbox is the
 * configured one, or the strongest available.
 */
public final class Preflight {
  private final NodeConfig config;

  public Preflight(NodeConfig config) {
    this.config = config;
  }

  /** The sandbox the node would run: the configured one, or the strongest this host can run. */
  public String chosenSandbox() {
    String wanted = config.noSandbox() ? "process" : config.sandbox();
    if (wanted != null && !wanted.equals("auto")) {
      return wanted;
    }
    return NamespaceSandboxDriver.unavailableReason().isEmpty() ? "namespace" : "process";
  }

  public List<Check> run() {
    String sandbox = chosenSandbox();
    boolean vm = sandbox.equals("qemu") || sandbox.equals("firecracker");
    List<Check> checks = new ArrayList<>();
    Optional<Path> nats = NatsServerBinary.find(config.binPath());
    checks.add(new Check("nats-server", nats.isPresent(), nats.map(Path::toString).orElse("not found"),
        "apt-get install -y nats-server", true));
    checks.add(binary("bwrap", "apt-get install -y bubblewrap", sandbox.equals("namespace")));
    checks.add(binary("socat", "apt-get install -y socat", sandbox.equals("namespace") || sandbox.equals("qemu")));
    checks.add(binary("setpriv", "apt-get install -y util-linux", sandbox.equals("namespace")));
    // each namespace sandbox's disk: an ext4 file system loop-mounted on its work directory
    checks.add(binary("mkfs.ext4", "apt-get install -y e2fsprogs", sandbox.equals("namespace")));
    Optional<String> namespace = NamespaceSandboxDriver.unavailableReason();
    checks.add(new Check("namespace sandbox (bwrap + cgroups + loopback bridge + loop disk)", namespace.isEmpty(),
        namespace.orElse("runs here"),
        "run the node as root on Linux with bubblewrap, socat, e2fsprogs, loop devices and cgroups mounted",
        sandbox.equals("namespace")));
    checks.add(cgroups(sandbox.equals("namespace")));
    String qemuPackages = "apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils socat";
    checks.add(binary("qemu-system-x86_64", qemuPackages, sandbox.equals("qemu")));
    checks.add(binary("qemu-img", qemuPackages, sandbox.equals("qemu")));
    checks.add(binary("firecracker", "install a firecracker release binary on bin_path (not packaged by Debian)",
        sandbox.equals("firecracker")));
    GuestImage image = GuestImage.of(config.kernelFilepath(), config.rootfsFilepath());
    String fix = "set kernel_filepath and rootfs_filepath, or " + GuestImage.FIX;
    checks.add(file("kernel", image.kernel().toString(), fix, vm));
    checks.add(file("initramfs (beside the kernel)", image.initramfs().toString(), fix, vm));
    checks.add(file("root filesystem", image.rootfs().toString(), fix, vm));
    // qemu falls back to TCG (software emulation) without a usable KVM
    checks.add(kvm(sandbox.equals("firecracker")));
    checks.add(cni(sandbox.equals("firecracker")));
    Optional<String> firecracker = FirecrackerSandboxDriver.unavailableReason(config);
    checks.add(new Check("firecracker sandbox (UNTESTED against a real Firecracker)", firecracker.isEmpty(),
        "untested: only run against a stand-in of its API; " + firecracker.orElse("its prerequisites are present"),
        "a host with hardware KVM, a firecracker binary, a Firecracker-ready guest kernel, and internal_node_host"
            + " reachable from guests", sandbox.equals("firecracker")));
    return checks;
  }

  private Check binary(String name, String fix, boolean required) {
    List<String> dirs = new ArrayList<>(config.binPath());
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
    Optional<Path> found = dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
        .filter(Files::isExecutable).findFirst();
    return new Check(name, found.isPresent(), found.map(Path::toString).orElse("not found"), fix, required);
  }

  private static Check file(String name, String path, String fix, boolean required) {
    boolean exists = path != null && Files.isRegularFile(Path.of(path));
    return new Check(name, exists, path + (exists ? "" : " does not exist"), fix, required);
  }

  private static Check cgroups(boolean required) {
    Path root = Path.of("/sys/fs/cgroup");
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      return new Check("cgroups", true, "v2 at /sys/fs/cgroup", "", required);
    }
    List<String> missing = new ArrayList<>();
    for (String controller : List.of("memory", "cpu", "pids")) {
      if (!Files.isDirectory(root.resolve(controller))) {
        missing.add(controller);
      }
    }
    return new Check("cgroups", missing.isEmpty(), missing.isEmpty() ? "v1: memory, cpu, pids"
        : "v1 controllers missing: " + String.join(", ", missing), "mount the cgroup controllers", required);
  }

  /** A /dev/kvm that ordinary guests can use: not the kvm_pvm back end, and vmx/svm in the CPU. */
  private static Check kvm(boolean required) {
    Optional<String> unusable = HostKvm.unusableReason();
    return new Check("KVM", unusable.isEmpty(), unusable.orElse("/dev/kvm with vmx/svm"),
        "run on a host with kvm_intel or kvm_amd (bare metal or nested virtualisation)", required);
  }

  private Check cni(boolean required) {
    List<String> missing = new ArrayList<>();
    for (String plugin : List.of("ptp", "host-local", "tc-redirect-tap")) {
      boolean found = config.cni().binPath().stream().anyMatch(d -> Files.isExecutable(Path.of(d, plugin)));
      if (!found) {
        missing.add(plugin);
      }
    }
    return new Check("CNI plugins", missing.isEmpty(), missing.isEmpty() ? "ptp, host-local, tc-redirect-tap"
        : "missing: " + String.join(", ", missing) + " in " + String.join(":", config.cni().binPath()),
        "apt-get install -y containernetworking-plugins (tc-redirect-tap is not packaged)", required);
  }
}
