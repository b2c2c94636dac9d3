package io.nex.node.sandbox.namespace;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig.RateLimiters;
import io.nex.node.fs.DirectoryTree;
import io.nex.node.sandbox.AgentClassArchive;
import io.nex.node.sandbox.AgentV8Library;
import io.nex.node.sandbox.AgentLaunch;
import io.nex.node.sandbox.ChildProcessSandbox;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSpec;
import io.nex.node.spawn.TiedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code namespace} sandbox: the agent, and so its workload, runs under bubblewrap as an
 * unprivileged user with its own mount, pid, ipc, uts, cgroup and network namespaces, a
 * read-only view of the few host files it needs, its work directory as the only writable place
 * that outlives it, and cgroup limits from the machine template. Its network reaches only the
 * internal server and the configured loopback ports, through a {@link LoopbackBridge}. See
 * {@code docs/isolation.md}.
 */
public final class NamespaceSandboxDriver implements SandboxDriver {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceSandboxDriver.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final long PROBE_SECONDS = 10;
  private static final long PROBE_DISK_MIB = 16;

  private final List<String> agentCommand;
  private final boolean builtInAgent;
  private final AgentClassArchive classArchive = AgentClassArchive.forThisJvm();
  private final List<Integer> loopbackPorts;
  private final Programs programs;
  private final CgroupTree cgroups;
  private final ReadOnlyView view;
  private final RateLimiters rateLimiters;
  private final DiskReaper diskReaper = new DiskReaper();

  /**
   * @param agentPath the agent executable, or null/blank for the built-in JVM agent (as in
   *     {@link AgentLaunch#command})
   * @param agentHeapMib see {@link AgentLaunch#command}
   * @param loopbackPorts ports on the host's 127.0.0.1 that every sandbox may reach besides the
   *     internal server, at the same port on its own loopback: the control plane's when it is on
   *     loopback, so a workload reaches it at the URL its users give it
   * @param rateLimiters the node's {@code rate_limiters}: disk I/O rates of each sandbox's disk
   * @throws IllegalStateException when a program the sandbox is built from is missing
   */
  public NamespaceSandboxDriver(String agentPath, int agentHeapMib, Collection<Integer> loopbackPorts,
      RateLimiters rateLimiters) throws IOException {
    for (int port : loopbackPorts) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
    }
    this.agentCommand = AgentLaunch.command(agentPath, agentHeapMib);
    this.builtInAgent = agentPath == null || agentPath.isBlank();
    this.loopbackPorts = List.copyOf(loopbackPorts);
    this.rateLimiters = rateLimiters;
    this.programs = Programs.locate();
    this.cgroups = CgroupTree.detect();
    List<Path> launched = new ArrayList<>();
    if (agentPath == null || agentPath.isBlank()) {
      launched.addAll(ReadOnlyView.classPath());
    } else {
      launched.add(Path.of(agentPath));
    }
    launched.add(programs.setpriv());
    launched.add(programs.socat());
    this.view = ReadOnlyView.of(javaHome(), launched);
  }

  /**
   * Why this host cannot run namespace sandboxes, or empty when it can: checked by doing it
   * (Linux, root, bwrap/setpriv/socat, making and removing a cgroup with limits, running
   * {@code true} inside the full walls). Takes a few tens of milliseconds.
   */
  public static Optional<String> unavailableReason() {
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return Optional.of("namespace sandboxes need Linux");
    }
    try {
      if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
        return Optional.of("namespace sandboxes need the node to run as root (it makes namespaces and cgroups)");
      }
      Programs programs = Programs.locate();
      Optional<String> cgroupProblem = CgroupTree.detect().unavailableReason();
      if (cgroupProblem.isPresent()) {
        return cgroupProblem;
      }
      return probe(programs);
    } catch (IllegalStateException | IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Runs {@code true} as the sandbox user inside the same walls (a disk of its own, the seccomp
   * filter), minus cgroups and bridge.
   */
  private static Optional<String> probe(Programs programs) throws IOException {
    Path probeDir = Files.createTempDirectory("nex-probe-");
    Path workDir = probeDir.resolve("sandbox");
    SandboxUser user = SandboxUser.pick();
    SandboxUser workload = SandboxUser.pickOtherThan(user);
    HostSide host = HostSide.create("probe", user, workload, workDir);
    SandboxDisk disk = null;
    try {
      disk = SandboxDisk.mount(workDir, PROBE_DISK_MIB, user.uid(), workload.uid());
      ReadOnlyView view = ReadOnlyView.of(javaHome(), List.of(programs.setpriv(), programs.socat()));
      List<String> command = SandboxCommand.of(programs, List.of(), mounts(view, host, workDir, Optional.empty()), "probe", user,
          workDir, List.of(), host.seccompFilter(), List.of("/bin/true"));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("bwrap did not start a sandbox within " + PROBE_SECONDS + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return process.exitValue() == 0 ? Optional.empty()
          : Optional.of("bwrap cannot make the sandbox's namespaces here (exit " + process.exitValue() + "): " + output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while probing bwrap");
    } finally {
      if (disk != null) {
        disk.remove();
      }
      host.delete();
      DirectoryTree.delete(probeDir);
    }
  }

  @Override
  public String kind() {
    return "namespace";
  }

  @Override
  public boolean isolated() {
    return true;
  }

  @Override
  public NamespaceSandbox launch(SandboxSpec spec) throws IOException {
    if (!builtInAgent) {
      return launch(spec, agentCommand);
    }
    List<String> command = new ArrayList<>(agentCommand);
    command.addAll(1, classArchive.jvmOptions(spec.id(), spec.workDir().toAbsolutePath()));
    return launch(spec, command);
  }

  /** Runs {@code inner} in place of the agent, behind the same walls (tests run shells here). */
  NamespaceSandbox launch(SandboxSpec spec, List<String> inner) throws IOException {
    Path workDir = spec.workDir().toAbsolutePath();
    SandboxUser user = SandboxUser.pick();
    SandboxUser workload = SandboxUser.pickOtherThan(user);
    Map<Integer, InetSocketAddress> routes = routes(spec.metadata());
    HostSide host = HostSide.create(spec.id(), user, workload, workDir);
    SandboxDisk disk = null;
    LoopbackBridge bridge = null;
    SandboxCgroup cgroup = null;
    try {
      Optional<DiskRates> rates = Optional.empty();
      if (spec.template().diskMib() > 0) {
        diskReaper.watch(workDir.getParent());
        disk = SandboxDisk.mount(workDir, spec.template().diskMib(), user.uid(), workload.uid());
        rates = DiskRates.of(disk.device(), rateLimiters);
      } else {
        Files.createDirectories(workDir);
      }
      setOwners(workDir, user, workload);
      bridge = LoopbackBridge.open(spec.id(), host.sockets(), routes, guardedPorts(spec.metadata()),
          Optional.ofNullable(rateLimiters.bandwidth()).map(Throttle::of));
      cgroup = cgroups.create(spec.id(), CgroupLimits.of(spec.template(), rates));
      List<String> command = SandboxCommand.of(programs, cgroup.procsFiles(), mounts(view, host, workDir, classArchive.archive()), spec.id(),
          user, workDir, List.copyOf(routes.keySet()), host.seccompFilter(), inner);
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().clear();
      builder.environment().putAll(AgentLaunch.environment(insideView(spec), SandboxCommand.PATH));
      builder.environment().put(AgentMetadata.ENV_WORKLOAD_UID, Integer.toString(workload.uid()));
      Process process = TiedProcess.start(builder);
      LoopbackBridge startedBridge = bridge;
      SandboxCgroup startedCgroup = cgroup;
      SandboxDisk startedDisk = disk;
      return new NamespaceSandbox(new ChildProcessSandbox(spec.id(), process, workDir, () -> {
        classArchive.sandboxGone(spec.id(), workDir);
        release(spec.id(), startedCgroup, startedBridge, host, startedDisk);
      }), cgroup, user, workload);
    } catch (IOException | RuntimeException e) {
      release(spec.id(), cgroup, bridge, host, disk);
      try {
        DirectoryTree.delete(workDir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * The agent finds the internal server on its own loopback, at the same port; behind it is
   * wherever the server listens (a wildcard address is reached through loopback).
   */
  private Map<Integer, InetSocketAddress> routes(AgentMetadata metadata) {
    Map<Integer, InetSocketAddress> routes = new LinkedHashMap<>();
    String host = metadata.nodeNatsHost();
    boolean wildcard = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::");
    routes.put(metadata.nodeNatsPort(), new InetSocketAddress(wildcard ? LOOPBACK : host, metadata.nodeNatsPort()));
    loopbackPorts.forEach(port -> routes.putIfAbsent(port, new InetSocketAddress(LOOPBACK, port)));
    return routes;
  }

  /** The configured loopback ports lead to the control plane; the internal server's does not. */
  private Set<Integer> guardedPorts(AgentMetadata metadata) {
    Set<Integer> guarded = new HashSet<>(loopbackPorts);
    guarded.remove(metadata.nodeNatsPort());
    return guarded;
  }

  private static SandboxSpec insideView(SandboxSpec spec) {
    AgentMetadata m = spec.metadata();
    AgentMetadata inside = new AgentMetadata(m.vmid(), LOOPBACK, m.nodeNatsPort(), m.nodeNatsNkey(), m.message());
    return new SandboxSpec(spec.id(), inside, spec.template(), spec.workDir());
  }

  /** Order matters: a tmpfs hides what was bound below it earlier. */
  private static List<String> mounts(ReadOnlyView view, HostSide host, Path workDir, Optional<Path> classArchive) {
    MountPlan plan = new MountPlan()
        .proc(Path.of("/proc"))
        .dev(Path.of("/dev"))
        .tmpfs(Path.of("/dev/shm"), "1777")
        .tmpfs(Path.of("/tmp"), "1777");
    view.addTo(plan);
    // the agents' class archive (AgentClassArchive), read-only, where the JVM option names it
    classArchive.ifPresent(archive -> plan.readOnly(archive, archive));
    // V8's native library (AgentV8Library), read-only, where the agent's environment names it
    AgentV8Library.directory().ifPresent(library -> plan.readOnly(library, library));
    host.addTo(plan);
    plan.writable(workDir, workDir);
    return plan.args();
  }

  /**
   * The sandbox's users own its work directory and nothing else: the agent owns it, and the
   * workload's group may only enter it and read (its artifact); the workload writes in its own
   * {@code home} there, which the agent may only enter (to start the workload in it).
   */
  private static void setOwners(Path workDir, SandboxUser agent, SandboxUser workload) throws IOException {
    Files.setAttribute(workDir, "unix:uid", agent.uid());
    Files.setAttribute(workDir, "unix:gid", workload.uid());
    Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-x---"));
    Path home = Files.createDirectory(workDir.resolve(AgentMetadata.WORKLOAD_HOME));
    Files.setAttribute(home, "unix:uid", workload.uid());
    Files.setAttribute(home, "unix:gid", workload.uid());
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
  }

  /**
   * After the processes are gone: the cgroup (kills stragglers first), the bridge, the host-side
   * files, the disk (its content goes with it).
   */
  private static void release(String id, SandboxCgroup cgroup, LoopbackBridge bridge, HostSide host,
      SandboxDisk disk) {
    if (cgroup != null) {
      try {
        cgroup.remove();
      } catch (IOException e) {
        LOG.warn("Could not remove the cgroup of sandbox vmid={}: {}", id, e.getMessage());
      }
    }
    if (bridge != null) {
      bridge.close();
    }
    try {
      host.delete();
    } catch (IOException e) {
      LOG.warn("Could not remove the host-side files of sandbox vmid={}: {}", id, e.getMessage());
    }
    if (disk != null) {
      try {
        disk.remove();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not remove the disk of sandbox vmid={}: {}", id, e.getMessage());
      }
    }
  }

  private static Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }
}
