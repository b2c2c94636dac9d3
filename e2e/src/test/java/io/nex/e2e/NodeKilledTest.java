package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.RunResponse;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node killed with SIGKILL takes its internal nats-server with it (its parent-death signal),
 * but leaves under the process sandbox a workload that daemonized, and the dead node's sandbox
 * directories and cgroups (a function host's too); the next node on the same resource directory
 * removes them and says how much it removed.
 */
class NodeKilledTest {
  private static final Pattern INTERNAL_PID = Pattern.compile("Internal NATS server started client_url=\"[^\"]+\" pid=(\\d+)");
  private static final Pattern CLEANED = Pattern.compile(
      "Cleaned up after an earlier node run that did not stop \\(pid (\\d+)\\): (\\d+) internal server, (\\d+) processes, "
          + "(\\d+) sandbox dirs, (\\d+) cgroups, (\\d+) host-side dirs");
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"process", "namespace"})
  void nextNodeCleansUpAfterAKilledOne(String sandbox) throws Exception {
    if (sandbox.equals("namespace")) {
      NamespaceSandboxes.assumeAvailable();
    }
    Path res = dir.resolve("res");
    String config = NodeProcess.config(res, "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\"");
    Path daemonizer = dir.resolve("daemonizer.sh");
    // the grandchild leaves the agent's process tree (its parent exits at once) but keeps working in the sandbox
    Files.writeString(daemonizer, "#!/bin/sh\n( setsid sleep 600 </dev/null >/dev/null 2>&1 & )\n"
        + "echo daemonized\nexec sleep 600\n");
    Files.setPosixFilePermissions(daemonizer, PosixFilePermissions.fromString("rwx------"));

    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url())) {
      DeployClient client = new DeployClient(nc);
      String deadId;
      long deadPid;
      long internalPid;
      String sandboxId;
      String hostId;
      try (NodeProcess first = NodeProcess.start(dir.resolve("first"), controlPlane.url(), config)) {
        first.awaitLog("Received agent handshake", 2, Duration.ofSeconds(30));
        deadId = first.nodeId();
        deadPid = first.pid();
        Envelope reply = client.deploy("default", deadId, client.request("daemonizer", "native",
            client.upload("daemonizer", daemonizer), DeployClient.sha256(daemonizer), Map.of(), deadId, null, List.of()));
        assertThat(reply.error()).as(first.log()).isNull();
        sandboxId = reply.dataAs(RunResponse.class).id();
        first.awaitLog("Received agent handshake", 3, Duration.ofSeconds(30));
        // a function host is cleaned like any sandbox
        Path echo = Path.of(System.getProperty("echo.js"));
        Envelope function = client.deploy("default", deadId, client.functionRequest("killedfn", "javascript",
            client.upload("killedfn", echo), DeployClient.sha256(echo), deadId, List.of("killed.fn")));
        assertThat(function.error()).as(first.log()).isNull();
        String functionId = function.dataAs(RunResponse.class).id();
        InfoResponse info = Json.read(nc.request(Subjects.info("default", deadId), new byte[0], Duration.ofSeconds(5))
            .getData(), Envelope.class).dataAs(InfoResponse.class);
        hostId = info.machines().stream().filter(r -> r.id().equals(functionId)).findFirst().orElseThrow().host();
        assertThat(hostId).isNotNull().isNotEqualTo(functionId);
        first.awaitLog("Received agent handshake", 4, Duration.ofSeconds(30));
        Matcher m = INTERNAL_PID.matcher(first.log());
        assertThat(m.find()).isTrue();
        internalPid = Long.parseLong(m.group(1));
        first.signal("KILL");
        assertThat(first.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
      }
      Path deadWorkDir = res.resolve("nodes").resolve(deadId);
      long gone = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (ProcessHandle.of(internalPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < gone) {
        Thread.sleep(50);
      }
      assertThat(ProcessHandle.of(internalPid).map(ProcessHandle::isAlive).orElse(false))
          .as("internal server outlived its node").isFalse();
      assertThat(deadWorkDir.resolve("sandboxes")).isNotEmptyDirectory();
      assertThat(res.resolve("run-state.json")).exists();

      try (NodeProcess second = NodeProcess.start(dir.resolve("second"), controlPlane.url(), config)) {
        second.awaitLog("Received agent handshake", 2, Duration.ofSeconds(30));
        Matcher cleaned = CLEANED.matcher(second.log());
        assertThat(cleaned.find()).as(second.log()).isTrue();
        assertThat(Long.parseLong(cleaned.group(1))).isEqualTo(deadPid);
        assertThat(Integer.parseInt(cleaned.group(2))).as("internal servers (gone with their node)").isZero();
        assertThat(Integer.parseInt(cleaned.group(4))).as("sandbox dirs").isGreaterThanOrEqualTo(1);
        if (sandbox.equals("process")) {
          assertThat(Integer.parseInt(cleaned.group(3))).as("the daemonized workload at least").isGreaterThanOrEqualTo(1);
        } else {
          assertThat(Integer.parseInt(cleaned.group(5))).as("cgroups").isGreaterThanOrEqualTo(1);
          assertThat(Path.of("/sys/fs/cgroup/nex", sandboxId)).doesNotExist();
          assertThat(Path.of("/sys/fs/cgroup/memory/nex", sandboxId)).doesNotExist();
        }
        assertThat(ProcessHandle.of(internalPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(deadWorkDir).doesNotExist();
        assertThat(ProcessScan.processesMentioning(deadWorkDir.toString())).isEmpty();
        assertThat(ProcessScan.processesMentioning(sandboxId)).isEmpty();
        assertThat(ProcessScan.processesMentioning(hostId)).as("the function host's agent").isEmpty();
        assertThat(second.awaitExit(Duration.ZERO)).isEqualTo(-1);
        second.signal("TERM");
        assertThat(second.awaitExit(Duration.ofSeconds(20))).isZero();
      }
      assertThat(res.resolve("run-state.json")).as("an orderly stop leaves no run state").doesNotExist();
    }
  }
}
