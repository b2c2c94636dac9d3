package io.nex.node.sandbox.qemu;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.fs.DirectoryTree;
import io.nex.node.sandbox.ChildProcessSandbox;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSpec;
import io.nex.node.spawn.TiedProcess;
import io.nex.node.vm.GuestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code qemu} sandbox: each agent runs in its own QEMU {@code microvm} booted from the
 * guest image ({@code nex rootfs build}). Under KVM this is hardware-virtualised; under TCG (the
 * fallback, see {@link Accelerator}) the guest is emulated inside the qemu process. The VM's
 * only way out is user-mode networking restricted to the internal server's port and the
 * configured loopback ports. About one boot in ten under TCG hangs before printing anything, so a
 * boot watchdog kills a silent guest and boots it again. See {@code docs/microvm.md}.
 */
public final class QemuSandboxDriver implements SandboxDriver {
  private static final Logger LOG = LoggerFactory.getLogger(QemuSandboxDriver.class);
  private static final String LOOPBACK = "127.0.0.1";
  /** A booting guest prints a kernel line every few hundred guest-milliseconds; this long without one is a hang. */
  static final long SILENCE_SECONDS = 15;
  /** Even a slow boot on a loaded host reaches its initramfs well within this. */
  static final long BOOT_SECONDS = 120;
  static final int BOOT_ATTEMPTS = 3;

  private final Programs programs;
  private final GuestImage image;
  private final Accelerator accel;
  private final List<Integer> loopbackPorts;
  private final AtomicInteger bootRetries = new AtomicInteger();

  /**
   * @param loopbackPorts host loopback ports every VM may reach besides the internal server, at
   *     127.0.0.1:port inside the guest too (the control plane's, when it is on this host)
   * @throws IllegalStateException when a program or image file is missing (the message names it and the fix)
   */
  public QemuSandboxDriver(GuestImage image, List<Integer> loopbackPorts) {
    this.programs = Programs.locate();
    Optional<String> missing = image.missing();
    if (missing.isPresent()) {
      throw new IllegalStateException(missing.get() + " (" + GuestImage.FIX + ")");
    }
    this.image = image;
    this.loopbackPorts = List.copyOf(loopbackPorts);
    this.accel = Accelerator.detect(programs.qemu(), image);
    LOG.info("Accelerator for qemu sandboxes accel={} reason=\"{}\"", accel.name(), accel.reason());
  }

  /** Why qemu sandboxes cannot run here with this image, or empty when they can. */
  public static Optional<String> unavailableReason(GuestImage image) {
    try {
      Programs.locate();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    }
    return image.missing().map(m -> m + " (" + GuestImage.FIX + ")");
  }

  @Override
  public boolean sharesWorkDir() {
    return false;
  }

  @Override
  public String kind() {
    return "qemu";
  }

  @Override
  public boolean isolated() {
    return true;
  }

  @Override
  public Sandbox launch(SandboxSpec spec) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Booting booting = boot(spec, attempt);
      Optional<String> silent = awaitSignOfLife(booting);
      if (silent.isEmpty()) {
        LOG.info("Machine started gateway={} ip={} nats_host={} nats_port={} vmid={}", QemuCommand.GATEWAY,
            QemuCommand.GUEST_IP, QemuCommand.FORWARD_HOST, spec.metadata().nodeNatsPort(), spec.id());
        return booting.vm();
      }
      booting.vm().destroy();
      int retries = bootRetries.incrementAndGet();
      if (attempt >= BOOT_ATTEMPTS) {
        throw new IOException("VM vmid=" + spec.id() + " " + silent.get() + " in " + BOOT_ATTEMPTS + " boots");
      }
      LOG.warn("Boot watchdog: VM {}; killed it and booting again attempt={} of {} boot_retries={} vmid={}",
          silent.get(), attempt + 1, BOOT_ATTEMPTS, retries, spec.id());
    }
  }

  /** A VM whose console is being watched for the initramfs's first line. */
  private record Booting(ChildProcessSandbox vm, BootWatch watch) {}

  private Booting boot(SandboxSpec spec, int attempt) throws IOException {
    Path workDir = spec.workDir().toAbsolutePath();
    try {
      Files.createDirectories(workDir);
      AgentMetadata m = spec.metadata();
      Map<Integer, String> forwards = new LinkedHashMap<>();
      forwards.put(m.nodeNatsPort(), loopbackAddress(m.nodeNatsHost()) + ":" + m.nodeNatsPort());
      loopbackPorts.forEach(port -> forwards.putIfAbsent(port, LOOPBACK + ":" + port));
      List<Integer> guestLoopback = loopbackPorts.stream().filter(p -> p != m.nodeNatsPort()).toList();

      LOG.info("Called startVMM(), setting up a VMM vmid={} machine=microvm accel={} vcpus={} memsize_mib={} attempt={}",
          spec.id(), accel.name(), spec.template().vcpuCount(), spec.template().memsizeMib(), attempt);
      LOG.info("PutGuestBootSource kernel={} initrd={} cmdline=\"{}\" vmid={}", image.kernel(), image.initramfs(),
          QemuCommand.kernelArgs(accel), spec.id());
      Path overlay = workDir.resolve("rootfs.qcow2");
      programs.createOverlay(image.rootfs(), overlay);
      LOG.info("Attached drive {} (copy-on-write over {}), slot 1, root true vmid={}", overlay, image.rootfs(),
          spec.id());
      Path metadata = MetadataDrive.write(workDir.resolve("metadata.img"), m, QemuCommand.FORWARD_HOST,
          QemuCommand.FORWARD_HOST, guestLoopback);
      LOG.info("Attached drive {} (metadata, read-only), slot 2, root false vmid={}", metadata, spec.id());
      LOG.info("Attaching NIC user-mode restrict=on hwaddr={} forwards={} vmid={}", QemuCommand.mac(spec.id()),
          describe(forwards), spec.id());

      List<String> qemu = QemuCommand.of(programs.qemu(), programs.socat(), accel, spec.id(),
          spec.template().vcpuCount(), spec.template().memsizeMib(), image, overlay, metadata, forwards);
      // the wrapper kills qemu when the node's pipe closes, so a VM never outlives its node, even a SIGKILLed
      // one (fd 3: a background job's stdin would otherwise be /dev/null)
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
          "exec 3<&0; \"$@\" </dev/null & vm=$!; (cat <&3 >/dev/null; kill $vm 2>/dev/null) & wait $vm", "nex-qemu"));
      command.addAll(qemu);
      Process process = TiedProcess.start(new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE));
      BootWatch watch = new BootWatch();
      ChildProcessSandbox vm = new ChildProcessSandbox(spec.id(), process, workDir, () -> { }, watch::sawLine);
      return new Booting(vm, watch);
    } catch (IOException | RuntimeException e) {
      DirectoryTree.delete(workDir);
      throw e;
    }
  }

  /** Empty once the guest's initramfs has spoken; else what went wrong. */
  private Optional<String> awaitSignOfLife(Booting booting) throws IOException {
    try {
      return booting.watch().await(booting.vm().onExit(), SILENCE_SECONDS, BOOT_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      booting.vm().destroy();
      throw new IOException("interrupted while booting VM vmid=" + booting.vm().id());
    }
  }

  private static String loopbackAddress(String host) {
    boolean wildcard = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::");
    return wildcard ? LOOPBACK : host;
  }

  private static String describe(Map<Integer, String> forwards) {
    StringBuilder s = new StringBuilder();
    forwards.forEach((port, target) -> s.append(s.length() == 0 ? "" : ",").append(QemuCommand.FORWARD_HOST)
        .append(':').append(port).append("->").append(target));
    return s.toString();
  }
}
