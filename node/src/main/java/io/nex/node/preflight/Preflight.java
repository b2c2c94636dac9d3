package io.nex.node.preflight;

import io.nex.node.config.NodeConfig;
import io.nex.node.natsserver.NatsServerBinary;
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
    Optional<String> namespace = NamespaceSandboxDriver.unavailableReason();
    checks.add(new Check("namespace sandbox (bwrap + cgroups + loopback bridge)", namespace.isEmpty(),
        namespace.orElse("runs here"), "run the node as root on Linux with bubblewrap, socat and cgroups mounted",
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
    if (!sandbox.equals("firecracker")) {
      checks.add(new Check("firecracker driver", false, "not in this build",
          "none: the " + sandbox + " sandbox does not need it", false));
    }
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
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return new Check("KVM", false, "/dev/kvm does not exist", "run on bare metal or enable nested virtualisation",
          required);
    }
    try {
      if (Files.exists(Path.of("/sys/module/kvm_pvm"))) {
        return new Check("KVM", false, "/dev/kvm is the kvm_pvm back end, which does not run ordinary guests",
            "run on a host with kvm_intel or kvm_amd", required);
      }
      String cpu = Files.readString(Path.of("/proc/cpuinfo"));
      boolean virt = cpu.contains(" vmx") || cpu.contains(" svm");
      return new Check("KVM", virt, virt ? "/dev/kvm with vmx/svm" : "no vmx/svm CPU flag",
          "enable virtualisation in the firmware or the hypervisor", required);
    } catch (IOException e) {
      return new Check("KVM", false, "cannot read /proc: " + e.getMessage(), "", required);
    }
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
