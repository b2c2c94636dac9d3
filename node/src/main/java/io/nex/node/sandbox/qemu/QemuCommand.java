package io.nex.node.sandbox.qemu;

import io.nex.node.vm.GuestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The qemu command line of one VM: a {@code microvm} machine (no PCI, no firmware; virtio-mmio
 * devices), the kernel booted directly through its PVH entry, the root disk as a qcow2 overlay
 * of the shared image, the metadata drive, and user-mode networking with {@code restrict=on}:
 * the guest reaches nothing but the {@code guestfwd} ports, each relayed by a per-connection
 * {@code socat} to the host's loopback. No tap device, no host interface, no routes.
 */
final class QemuCommand {
  /** earlyprintk, loglevel=6: signs of life from the first instruction on, for the {@link BootWatch}. */
  static final String KERNEL_ARGS = "console=ttyS0 earlyprintk=ttyS0 loglevel=6 panic=-1";
  /** Debian's CONFIG_HZ: loops per jiffy are TSC cycles per tick. */
  private static final long GUEST_HZ = 250;
  /** The initramfs prints this first; the boot watchdog waits for it. */
  static final String SIGN_OF_LIFE = "nex-init: initramfs up";
  static final String GUEST_IP = "10.0.2.15";
  static final String GATEWAY = "10.0.2.2";
  /** slirp refuses guestfwd on its own 10.0.2.2, so forwarded ports live at a free address of the user network. */
  static final String FORWARD_HOST = "10.0.2.100";
  /** The TCG translation cache dominates an idle VM's RSS; 64 MiB is plenty for an idle JVM agent. */
  static final int TB_SIZE_MIB = 64;

  private QemuCommand() {}

  /**
   * @param forwards guest port → host loopback address ("127.0.0.1:port") reachable at
   *     {@link #FORWARD_HOST}
   */
  static List<String> of(Path qemu, Path socat, Accelerator accel, String id, int vcpus, int memMib, GuestImage image,
      Path overlay, Path metadata, Map<Integer, String> forwards) {
    List<String> c = new ArrayList<>(List.of(qemu.toString(), "-name", "nex-" + id,
        "-M", "microvm",
        "-accel", accel.kvm() ? "kvm" : "tcg,tb-size=" + TB_SIZE_MIB,
        "-m", Integer.toString(memMib), "-smp", Integer.toString(vcpus),
        "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
        "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(),
        "-append", kernelArgs(accel),
        "-drive", "id=root,file=" + overlay + ",format=qcow2,if=none", "-device", "virtio-blk-device,drive=root",
        "-drive", "id=meta,file=" + metadata + ",format=raw,if=none,readonly=on",
        "-device", "virtio-blk-device,drive=meta"));
    if (accel.kvm()) {
      c.addAll(List.of("-cpu", "host"));
    }
    StringBuilder netdev = new StringBuilder("user,id=n0,restrict=on,net=10.0.2.0/24,host=" + GATEWAY);
    forwards.forEach((port, target) -> netdev.append(",guestfwd=tcp:").append(FORWARD_HOST).append(':').append(port)
        .append("-cmd:").append(socat).append(" - TCP:").append(target));
    c.addAll(List.of("-netdev", netdev.toString(), "-device", "virtio-net-device,netdev=n0,mac=" + mac(id)));
    return c;
  }

  /**
   * Under TCG the guest's TSC ticks at the host's rate, but a busy host makes the kernel's PIT
   * calibration fail, and a kernel without a TSC frequency hangs silently right after
   * {@code tsc: No reference (HPET/PMTIMER) available} (that was the "one boot in ten" hang, and
   * nearly every boot on a loaded 2-core host). So the frequency is given: no calibration, no
   * delay-loop measurement, and no watchdog demoting the TSC.
   */
  static String kernelArgs(Accelerator accel) {
    if (accel.kvm()) {
      return KERNEL_ARGS;
    }
    return hostTscKhz().map(khz -> KERNEL_ARGS + " tsc_early_khz=" + khz + " tsc=reliable lpj=" + khz * 1000 / GUEST_HZ)
        .orElse(KERNEL_ARGS);
  }

  private static java.util.Optional<Long> hostTscKhz() {
    try {
      return java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("cpu MHz")).findFirst()
          .map(l -> Math.round(Double.parseDouble(l.substring(l.indexOf(':') + 1).strip()) * 1000));
    } catch (java.io.IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /** A locally administered MAC derived from the VM id (only the guest and qemu ever see it). */
  static String mac(String id) {
    int h = id.hashCode();
    return String.format("52:54:00:%02x:%02x:%02x", (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);
  }
}
