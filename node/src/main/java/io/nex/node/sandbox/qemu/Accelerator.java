package io.nex.node.sandbox.qemu;

import io.nex.node.vm.GuestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KVM or TCG. {@code /dev/kvm} existing is not enough: on hosts whose KVM is the {@code kvm_pvm}
 * back end (no VT-x/AMD-V; see docs/microvm.md) a stock kernel crawls and then dies with an
 * emulation failure. So KVM is used only with vmx/svm in the CPU flags, no {@code kvm_pvm}
 * module, and a canary guest that reaches its initramfs under KVM within {@link #CANARY_SECONDS}.
 * Anything else is TCG (software emulation), and the reason is logged.
 */
record Accelerator(String name, String reason) {
  private static final long CANARY_SECONDS = 10;

  boolean kvm() {
    return name.equals("kvm");
  }

  static Accelerator detect(Path qemu, GuestImage image) {
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return tcg("no /dev/kvm");
    }
    if (Files.exists(Path.of("/sys/module/kvm_pvm"))) {
      return tcg("/dev/kvm is the kvm_pvm back end, which cannot run a stock kernel");
    }
    try {
      String cpu = Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      if (!cpu.contains(" vmx") && !cpu.contains(" svm")) {
        return tcg("no vmx/svm CPU flag");
      }
    } catch (IOException e) {
      return tcg("cannot read /proc/cpuinfo");
    }
    return canary(qemu, image) ? new Accelerator("kvm", "vmx/svm present and a canary guest booted under KVM")
        : tcg("a canary guest did not reach its initramfs under KVM within " + CANARY_SECONDS + " s");
  }

  private static Accelerator tcg(String why) {
    return new Accelerator("tcg", why);
  }

  /** Kernel and initramfs only: the initramfs prints its sign of life, finds no root and reboots. */
  private static boolean canary(Path qemu, GuestImage image) {
    List<String> command = List.of(qemu.toString(), "-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", "128",
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
        "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(),
        "-append", QemuCommand.KERNEL_ARGS);
    Process process = null;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
          .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CANARY_SECONDS);
      StringBuilder console = new StringBuilder();
      var in = process.getInputStream();
      byte[] buffer = new byte[4096];
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (in.available() > 0) {
          int n = in.read(buffer);
          console.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          if (console.indexOf(QemuCommand.SIGN_OF_LIFE) >= 0) {
            return true;
          }
        } else {
          Thread.sleep(50);
        }
      }
      return console.indexOf(QemuCommand.SIGN_OF_LIFE) >= 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }
}
