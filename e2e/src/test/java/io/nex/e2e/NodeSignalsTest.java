package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.node.sandbox.namespace.NamespaceSandboxDriver;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stopping under the signals a node meets in practice: Ctrl-C in a terminal (SIGINT to the whole
 * foreground process group), {@code timeout} and the like (SIGTERM to the group), and SIGKILL of
 * the node alone. A node with a warm pool and a running workload must leave nothing behind, and
 * must not replace or restart anything once it has begun to stop. {@code -Dnex.signals.runs=N}
 * repeats each case N times (race-prone; the issue asks for 20 runs in a row).
 */
class NodeSignalsTest {
  private static final int RUNS = Integer.getInteger("nex.signals.runs", 1);
  private static final Duration READY = Duration.ofSeconds(40);
  private static final Pattern SANDBOX = Pattern.compile("Sandbox started kind=\\w+ vmid=(\\w+)");
  @TempDir static Path dir;
  static ControlPlaneServer controlPlane;
  static Connection nc;
  static DeployClient client;
  static Path workload;
  static String sandbox;

  @BeforeAll
  static void start() throws Exception {
    controlPlane = ControlPlaneServer.start(dir);
    nc = Nats.connect(controlPlane.url());
    client = new DeployClient(nc);
    workload = dir.resolve("sleeper.sh");
    Files.writeString(workload, "#!/bin/sh\necho started\nexec sleep 600\n");
    Files.setPosixFilePermissions(workload, PosixFilePermissions.fromString("rwxr-xr-x"));
    sandbox = NamespaceSandboxDriver.unavailableReason().isEmpty() ? "namespace" : "process";
  }

  @AfterAll
  static void stop() throws InterruptedException {
    nc.close();
    controlPlane.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalToTheWholeProcessGroupStopsTheNodeCleanly(String signal) throws Exception {
    for (int run = 1; run <= RUNS; run++) {
      Path res = dir.resolve(signal + "-" + run);
      try (NodeProcess node = NodeProcess.startLeadingGroup(res, controlPlane.url(), config(res))) {
        List<String> sandboxes = withWarmPoolAndAWorkload(node);
        node.signalGroup(signal);
        assertThat(node.awaitExit(Duration.ofSeconds(30))).as("run %d:\n%s", run, node.log()).isZero();
        String afterStop = node.log().substring(node.log().indexOf("Node stopping"));
        assertThat(afterStop.lines().filter(l -> l.contains("replacing") || l.contains("restarting")))
            .as("run %d: replaced or restarted while stopping:\n%s", run, node.log()).isEmpty();
        assertNothingLeft(res, sandboxes, node.log());
      }
    }
  }

  @Test
  void aKilledNodeTakesItsChildrenWithIt() throws Exception {
    for (int run = 1; run <= RUNS; run++) {
      Path res = dir.resolve("KILL-" + run);
      try (NodeProcess node = NodeProcess.startLeadingGroup(res, controlPlane.url(), config(res))) {
        withWarmPoolAndAWorkload(node);
        assertThat(ProcessScan.processesMentioning(res.toString())).hasSizeGreaterThanOrEqualTo(3);
        node.signal("KILL");
        assertThat(node.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
        // the internal server by its parent-death signal, agents (and so workloads) by end-of-file on stdin
        assertThat(awaitNoProcess(res, Duration.ofSeconds(8)))
            .as("run %d: children outlived the killed node:\n%s", run, node.log()).isEmpty();
        // the sandboxes' disks, by the node's disk reaper (namespace sandbox)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readString(
            Path.of("/proc/self/mountinfo"))).as("mounts").doesNotContain(res.toString()));
      }
    }
  }

  private static String config(Path res) {
    return NodeProcess.config(res, "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\"");
  }

  /** Two warm agents, one of them running a workload, and the replacement warm again; returns the sandbox ids. */
  private static List<String> withWarmPoolAndAWorkload(NodeProcess node) throws Exception {
    node.awaitLog("Received agent handshake", 2, READY);
    String nodeId = node.nodeId();
    Envelope reply = client.deploy("default", nodeId, client.request("sleeper", "native",
        client.upload("sleeper", workload), DeployClient.sha256(workload), Map.of(), nodeId, null, List.of()));
    assertThat(reply.error()).as(node.log()).isNull();
    assertThat(reply.dataAs(RunResponse.class).started()).isTrue();
    node.awaitLog("Received agent handshake", 3, READY);
    Matcher m = SANDBOX.matcher(node.log());
    List<String> ids = new java.util.ArrayList<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private static void assertNothingLeft(Path res, List<String> sandboxes, String log) throws Exception {
    assertThat(awaitNoProcess(res, Duration.ofSeconds(2))).as(log).isEmpty();
    assertThat(res.resolve("nex.pid")).as("pid file").doesNotExist();
    assertThat(res.resolve("run-state.json")).doesNotExist();
    try (Stream<Path> nodes = Files.list(res.resolve("nodes"))) {
      assertThat(nodes).as("node work directories").isEmpty();
    }
    try (Stream<Path> files = Files.walk(res)) {
      assertThat(files.filter(p -> p.toString().endsWith(".sock"))).as("sockets").isEmpty();
    }
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertThat(mounts).as("mounts").doesNotContain(res.toString());
    for (String id : sandboxes) {
      assertThat(Path.of("/sys/fs/cgroup/nex", id)).as("cgroup").doesNotExist();
      assertThat(Path.of("/sys/fs/cgroup/memory/nex", id)).as("cgroup").doesNotExist();
      assertThat(ProcessScan.processesMentioning(id)).isEmpty();
    }
  }

  /** What still runs for {@code res} once up to {@code patience} has passed (dying processes take a moment to go). */
  private static List<String> awaitNoProcess(Path res, Duration patience) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    List<String> left = ProcessScan.processesMentioning(res.toString());
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      left = ProcessScan.processesMentioning(res.toString());
    }
    return left;
  }
}
