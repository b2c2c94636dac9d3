package io.nex.node.sandbox.firecracker;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig;
import io.nex.node.fs.DirectoryTree;
import io.nex.node.sandbox.ChildProcessSandbox;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSpec;
import io.nex.node.sandbox.firecracker.ApiBodies.BootSource;
import io.nex.node.sandbox.firecracker.ApiBodies.Drive;
import io.nex.node.sandbox.firecracker.ApiBodies.MachineConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.MmdsConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.NetworkInterface;
import io.nex.node.spawn.TiedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code firecracker} sandbox: one Firecracker microVM per agent, configured over its API
 * socket. Per VM: a copy of the root filesystem (copy-on-write where the file system can), a
 * network namespace with a tap from CNI, and the agent's metadata in MMDS (V2). Destroying the
 * sandbox kills Firecracker, runs CNI DEL, deletes the namespace and removes the socket and the
 * rootfs copy. <b>Untested against a real Firecracker</b>: the machines this was built on have
 * no hardware KVM; the tests drive a stand-in that checks each API request against
 * Firecracker's swagger definition.
 */
public final class FirecrackerSandboxDriver implements SandboxDriver {
  private static final Logger LOG = LoggerFactory.getLogger(FirecrackerSandboxDriver.class);
  static final String IFACE = "eth0";
  static final String BOOT_ARGS = "console=ttyS0 reboot=k panic=1 pci=off";
  private static final long SOCKET_WAIT_MILLIS = 5000;

  private final FirecrackerPrograms programs;
  private final Path kernel;
  private final Path rootfs;
  private final String internalHost;
  private final CniNetwork cni;

  public FirecrackerSandboxDriver(NodeConfig config) {
    this(config, Path.of("/etc/cni/conf.d"));
  }

  FirecrackerSandboxDriver(NodeConfig config, Path cniConfDir) {
    this.programs = FirecrackerPrograms.locate(config.binPath());
    this.kernel = Path.of(config.kernelFilepath());
    this.rootfs = Path.of(config.rootfsFilepath());
    this.internalHost = config.internalNodeHost();
    this.cni = new CniNetwork(config.cni(), cniConfDir);
  }

  /**
   * Why this host or config cannot run Firecracker sandboxes, on one line, or empty. Checks the
   * binary, a KVM that runs ordinary guests, the kernel and rootfs files, and that guests can
   * reach the internal NATS server (a loopback address is out of their reach).
   */
  public static Optional<String> unavailableReason(NodeConfig config) {
    if (FirecrackerPrograms.find("firecracker", config.binPath()).isEmpty()) {
      return Optional.of("firecracker not found in bin_path or PATH");
    }
    Optional<String> kvm = HostKvm.unusableReason();
    if (kvm.isPresent()) {
      return kvm;
    }
    for (String[] file : List.of(new String[] {"kernel_filepath", config.kernelFilepath()},
        new String[] {"rootfs_filepath", config.rootfsFilepath()})) {
      if (file[1] == null || file[1].isBlank() || !Files.isRegularFile(Path.of(file[1]))) {
        return Optional.of(file[0] + " \"" + (file[1] == null ? "" : file[1]) + "\" is not a file");
      }
    }
    if (isLoopback(config.internalNodeHost())) {
      return Optional.of("internal_node_host " + config.internalNodeHost()
          + " is loopback, which guests cannot reach (set it to 0.0.0.0 or an address on the CNI network)");
    }
    return Optional.empty();
  }

  @Override
  public boolean sharesWorkDir() {
    return false;
  }

  @Override
  public boolean usesCni() {
    return true;
  }

  @Override
  public String kind() {
    return "firecracker";
  }

  @Override
  public boolean isolated() {
    return true;
  }

  @Override
  public Sandbox launch(SandboxSpec spec) throws IOException {
    Files.createDirectories(spec.workDir());
    Path rootfsCopy = spec.workDir().resolve("rootfs.ext4");
    Path socket = spec.workDir().resolve("api.sock");
    NetNamespace netns = new NetNamespace(programs.ip(), "nex-" + spec.id());
    CniNetwork.Attachment attachment;
    try {
      copyRootfs(rootfsCopy);
      netns.create();
    } catch (IOException e) {
      DirectoryTree.delete(spec.workDir());
      throw e;
    }
    try {
      attachment = cni.add(spec.id(), netns.path());
    } catch (IOException e) {
      deleteQuietly(netns);
      DirectoryTree.delete(spec.workDir());
      throw e;
    }
    List<String> command = new ArrayList<>(netns.exec());
    command.addAll(List.of(programs.firecracker().toString(), "--api-sock", socket.toString(), "--id", spec.id()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(spec.workDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    String path = builder.environment().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    // nothing of the node's environment (its credentials) reaches the VMM
    builder.environment().clear();
    builder.environment().put("PATH", path);
    Sandbox sandbox;
    try {
      AtomicBoolean unplugged = new AtomicBoolean();
      sandbox = new ChildProcessSandbox(spec.id(), TiedProcess.start(builder), spec.workDir(), () -> {
        if (unplugged.compareAndSet(false, true)) {
          unplug(spec.id(), netns, attachment);
        }
      });
    } catch (IOException e) {
      unplug(spec.id(), netns, attachment);
      DirectoryTree.delete(spec.workDir());
      throw e;
    }
    try {
      FirecrackerApi api = awaitApi(socket, sandbox);
      api.machineConfig(new MachineConfig(spec.template().vcpuCount(), spec.template().memsizeMib(), false));
      api.bootSource(new BootSource(kernel.toString(), BOOT_ARGS + " " + attachment.ipBootArg()));
      api.drive(new Drive("rootfs", rootfsCopy.toString(), true, false));
      api.networkInterface(new NetworkInterface(IFACE, attachment.tapName(), attachment.guestMac()));
      api.mmdsConfig(new MmdsConfig(List.of(IFACE), "V2"));
      api.mmds(metadata(spec.metadata(), attachment));
      api.action("InstanceStart");
      return sandbox;
    } catch (IOException | RuntimeException e) {
      sandbox.destroy();
      throw e;
    }
  }

  /**
   * The agent's metadata as MMDS serves it (SPEC §5). The guest reaches the host at the CNI
   * gateway, so a wildcard internal host becomes that address.
   */
  private AgentMetadata metadata(AgentMetadata m, CniNetwork.Attachment attachment) {
    String host = internalHost.equals("0.0.0.0") || isLoopback(internalHost) ? attachment.gateway() : internalHost;
    return new AgentMetadata(m.vmid(), host, m.nodeNatsPort(), m.nodeNatsNkey(), m.message());
  }

  private void copyRootfs(Path copy) throws IOException {
    // a reflink makes the copy instant on btrfs/xfs; elsewhere cp falls back to a sparse full copy
    Process process = new ProcessBuilder("cp", "--reflink=auto", "--sparse=always", rootfs.toString(), copy.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("cannot copy the root filesystem " + rootfs + ": " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while copying the root filesystem");
    }
  }

  private static FirecrackerApi awaitApi(Path socket, Sandbox sandbox) throws IOException {
    FirecrackerApi api = new FirecrackerApi(socket);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!sandbox.isAlive()) {
        throw new IOException("firecracker exited with code " + sandbox.onExit().join()
            + " before its API answered (its output is in the node log, vmid=" + sandbox.id() + ")");
      }
      if (Files.exists(socket)) {
        try {
          api.describe();
          return api;
        } catch (IOException e) {
          last = e;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for firecracker's API socket");
      }
    }
    throw new IOException("firecracker's API socket " + socket + " did not answer within " + SOCKET_WAIT_MILLIS + " ms"
        + (last == null ? "" : ": " + last.getMessage()));
  }

  /** CNI DEL, then the namespace: runs once Firecracker is gone, so the tap is no longer held open. */
  private void unplug(String vmid, NetNamespace netns, CniNetwork.Attachment attachment) {
    try {
      cni.delete(vmid, netns.path(), attachment.result());
    } catch (IOException e) {
      LOG.warn("CNI DEL failed for vmid={}: {}", vmid, e.getMessage());
    }
    deleteQuietly(netns);
  }

  private static void deleteQuietly(NetNamespace netns) {
    try {
      netns.delete();
    } catch (IOException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  private static boolean isLoopback(String host) {
    return host == null || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
