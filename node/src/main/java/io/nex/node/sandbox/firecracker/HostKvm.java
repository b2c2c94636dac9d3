package io.nex.node.sandbox.firecracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this host's /dev/kvm runs ordinary guests. Its existence is not enough: a PVM host
 * (the kvm_pvm back end, as on the machines this was built on) has /dev/kvm but boots only
 * PVM-patched kernels, and a CPU without vmx/svm has no hardware virtualisation at all.
 */
public final class HostKvm {
  private HostKvm() {}

  /** Empty when KVM looks usable; otherwise what is missing, on one line. */
  public static Optional<String> unusableReason() {
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return Optional.of("/dev/kvm does not exist");
    }
    if (Files.exists(Path.of("/sys/module/kvm_pvm"))) {
      return Optional.of("/dev/kvm is the kvm_pvm back end, which does not run ordinary guests");
    }
    try {
      String cpu = Files.readString(Path.of("/proc/cpuinfo"));
      if (!cpu.contains(" vmx") && !cpu.contains(" svm")) {
        return Optional.of("the CPU has no vmx/svm flag (no hardware virtualisation)");
      }
    } catch (IOException e) {
      return Optional.of("cannot read /proc/cpuinfo: " + e.getMessage());
    }
    if (!Files.isReadable(Path.of("/dev/kvm")) || !Files.isWritable(Path.of("/dev/kvm"))) {
      return Optional.of("/dev/kvm is not readable and writable by this user");
    }
    return Optional.empty();
  }
}
