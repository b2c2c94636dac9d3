package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig;
import io.nex.node.config.NodeConfig.MachineTemplate;
import io.nex.node.sandbox.SandboxIds;
import io.nex.node.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Launches sandboxes of the real driver with a shell script in place of the agent, and checks
 * that destroying one leaves nothing behind: no process in its cgroup, no cgroup, no host-side
 * files, no work directory, no new network interface.
 */
final class SandboxHarness implements AutoCloseable {
  static final MachineTemplate SMALL = new MachineTemplate(1, 64, 64);

  private final NamespaceSandboxDriver driver;
  private final Path sandboxesDir;
  private final List<String> interfacesBefore;
  private final List<NamespaceSandbox> launched = new ArrayList<>();

  private SandboxHarness(NamespaceSandboxDriver driver, Path sandboxesDir) throws IOException {
    this.driver = driver;
    this.sandboxesDir = sandboxesDir;
    this.interfacesBefore = interfaces();
  }

  /** Skips (saying why) only when the host cannot run namespace sandboxes at all. */
  static void assumeHostCanRunNamespaceSandboxes() {
    Optional<String> reason = NamespaceSandboxDriver.unavailableReason();
    reason.ifPresent(r -> System.err.println("Skipping namespace sandbox tests: " + r));
    assumeTrue(reason.isEmpty(), () -> "host cannot run namespace sandboxes: " + reason.orElseThrow());
  }

  static SandboxHarness open(Path dir, List<Integer> loopbackPorts) throws IOException {
    return new SandboxHarness(new NamespaceSandboxDriver(null, 64, loopbackPorts, NodeConfig.RateLimiters.NONE),
        dir.resolve("sandboxes"));
  }

  NamespaceSandboxDriver driver() {
    return driver;
  }

  SandboxSpec spec(MachineTemplate template, int natsPort) {
    String id = SandboxIds.next();
    AgentMetadata metadata = new AgentMetadata(id, "127.0.0.1", natsPort, "SUAFAKESEEDFORTESTS",
        AgentMetadata.HOST_SUPPLIED);
    return new SandboxSpec(id, metadata, template, sandboxesDir.resolve(id));
  }

  /** Starts {@code script} under sh inside a sandbox; its output goes to {@code out} in the work directory. */
  NamespaceSandbox start(SandboxSpec spec, String script) throws IOException {
    NamespaceSandbox sandbox = driver.launch(spec, List.of("/bin/sh", "-c", "exec >out 2>&1; " + script));
    launched.add(sandbox);
    return sandbox;
  }

  /** Runs {@code script} to its end and returns what it printed; the sandbox is destroyed and checked. */
  Ran run(MachineTemplate template, int natsPort, String script) throws Exception {
    SandboxSpec spec = spec(template, natsPort);
    NamespaceSandbox sandbox = start(spec, script);
    int code = awaitExit(sandbox, Duration.ofSeconds(20));
    String output = output(spec);
    destroyAndCheck(sandbox, spec);
    return new Ran(code, output);
  }

  /**
   * As {@link #run}, but {@code script} runs as the agent runs a workload (agent/WorkloadUser):
   * as the workload's user, no capabilities, in its home.
   */
  Ran runAsWorkload(MachineTemplate template, int natsPort, String script) throws Exception {
    return run(template, natsPort, "cd " + AgentMetadata.WORKLOAD_HOME + " && exec setpriv --reuid \"$"
        + AgentMetadata.ENV_WORKLOAD_UID + "\" --regid \"$" + AgentMetadata.ENV_WORKLOAD_UID + "\" --clear-groups "
        + "--inh-caps -all --ambient-caps -all --bounding-set -all -- /bin/sh -c '" + script.replace("'", "'\\''") + "'");
  }

  record Ran(int code, String output) {}

  static int awaitExit(NamespaceSandbox sandbox, Duration patience) throws Exception {
    try {
      return sandbox.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("sandbox still running after " + patience, e);
    }
  }

  static String output(SandboxSpec spec) throws IOException {
    Path out = spec.workDir().resolve("out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  void destroyAndCheck(NamespaceSandbox sandbox, SandboxSpec spec) throws IOException {
    List<Path> cgroups = sandbox.cgroup().procsFiles().stream().map(Path::getParent).toList();
    sandbox.destroy();
    launched.remove(sandbox);
    assertThat(sandbox.isAlive()).isFalse();
    assertThat(processesInCgroupsOf(spec.id())).as("processes left in the sandbox's cgroups").isEmpty();
    assertThat(cgroups).as("cgroup directories").noneMatch(Files::exists);
    assertThat(spec.workDir()).doesNotExist();
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("nex-" + spec.id())))
          .as("host-side files").isEmpty();
    }
    assertThat(interfaces()).as("network interfaces").isEqualTo(interfacesBefore);
  }

  /** The sandbox's cgroup directory holding {@code file} (e.g. {@code pids.current}), v1 or v2. */
  static Path cgroupDirWith(NamespaceSandbox sandbox, String file) {
    return sandbox.cgroup().procsFiles().stream()
        .map(Path::getParent)
        .filter(dir -> Files.exists(dir.resolve(file)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cgroup of the sandbox has " + file));
  }

  /** Host pids whose cgroup (any hierarchy) is this sandbox's. */
  static List<Long> processesInCgroupsOf(String sandboxId) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
      for (Path dir : proc.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (Files.readString(dir.resolve("cgroup")).contains("/nex/" + sandboxId)) {
            pids.add(Long.parseLong(dir.getFileName().toString()));
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return pids;
  }

  private static List<String> interfaces() throws IOException {
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      return links.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public void close() {
    List.copyOf(launched).forEach(NamespaceSandbox::destroy);
  }
}
