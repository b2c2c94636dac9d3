package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qemu sandbox for real: a microvm under TCG (this CI has no usable KVM) boots from the
 * image {@code nex rootfs build} makes, its agent handshakes over restricted user-mode
 * networking, the echo service runs inside and answers a request from the host, and a stop
 * leaves no qemu, socket or overlay behind. The image build is cached by content
 * ({@code /var/cache/nex/vm}), so only the first run pays for the kernel download.
 */
class QemuNodeTest {
  private static final Pattern WORKLOAD_ID = Pattern.compile("with ID: ([0-9a-v]{20})");
  @TempDir static Path dir;
  static ControlPlaneServer controlPlane;
  static Path image;

  @BeforeAll
  static void buildImageAndStartControlPlane() throws Exception {
    image = dir.resolve("image");
    List<String> build = new ArrayList<>(Cli.command("rootfs", "build", "--output", image.toString()));
    Process process = new ProcessBuilder(build).redirectErrorStream(true).inheritIO().start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("nex rootfs build finished").isTrue();
    assertThat(process.exitValue()).as("nex rootfs build").isZero();
    controlPlane = ControlPlaneServer.start(dir);
  }

  @AfterAll
  static void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  private static String config(Path res, String extra) {
    return NodeProcess.config(res, "\"sandbox\": \"qemu\", \"kernel_filepath\": \"" + image.resolve("vmlinux")
        + "\", \"rootfs_filepath\": \"" + image.resolve("rootfs.ext4") + "\""
        + (extra.contains("agent_handshake_timeout_ms") ? extra : extra + ", \"agent_handshake_timeout_ms\": 90000"));
  }

  @Test
  void echoServiceInAVmAnswersTheHostAndStopLeavesNothing() throws Exception {
    Path res = dir.resolve("vm");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), config(res, ""));
        Connection nc = Nats.connect(controlPlane.url())) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(120));
      assertThat(node.log()).contains("Accelerator for qemu sandboxes accel=tcg")
          .contains("Called startVMM(), setting up a VMM").contains("PutGuestBootSource kernel=")
          .contains("Attached drive").contains("root true").contains("Attaching NIC user-mode restrict=on")
          .containsPattern("Machine started gateway=10\\.0\\.2\\.2 ip=10\\.0\\.2\\.15 nats_host=10\\.0\\.2\\.100 "
              + "nats_port=\\d+ vmid=")
          .contains("Adding new sandbox to warm pool");

      Path issuer = res.resolve("issuer.nk");
      Path xkey = res.resolve("publisher.xk");
      Cli.Result devrun = Cli.run("devrun", System.getProperty("echo.native"), "--type", "native", "--argv", "echo.vm",
          "--issuer", issuer.toString(), "--xkey", xkey.toString(), "NATS_URL=" + controlPlane.url(),
          "-s", controlPlane.url(), "--timeout", "30s");
      assertThat(devrun.exitCode()).as(devrun.stderr() + "\n" + node.log()).isZero();
      Matcher m = WORKLOAD_ID.matcher(devrun.stdout());
      assertThat(m.find()).as(devrun.stdout()).isTrue();
      String id = m.group(1);
      Path sandboxDir = res.resolve("nodes").resolve(node.nodeId()).resolve("sandboxes").resolve(id);
      assertThat(sandboxDir.resolve("rootfs.qcow2")).exists();

      byte[] payload = "hello from the host".getBytes(StandardCharsets.UTF_8);
      Message reply = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> nc.request("echo.vm", payload, Duration.ofSeconds(2)), r -> r != null);
      assertThat(reply.getData()).isEqualTo(payload);

      Cli.Result stop = Cli.run("stop", node.nodeId(), id, "--name", "echo-native", "--issuer", issuer.toString(),
          "-s", controlPlane.url(), "--timeout", "10s");
      assertThat(stop.exitCode()).as(stop.stderr()).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> ProcessScan.processesMentioning("nex-" + id).isEmpty());
      assertThat(sandboxDir).doesNotExist();

      // a JavaScript function in a VM: V8 from the image's /opt/nex/v8, Nex's own example unchanged
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(120));
      Cli.Result js = Cli.run("devrun", Path.of(System.getProperty("basedir", ".")).resolve("../examples/nex-v8/echofunction.js")
          .toString(), "--type", "v8", "--trigger_subject", "helloworld", "--issuer", issuer.toString(), "--xkey",
          xkey.toString(), "-s", controlPlane.url(), "--timeout", "60s");
      assertThat(js.exitCode()).as(js.stderr() + "\n" + node.log()).isZero();
      Message answer = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> nc.request("helloworld", "hello world".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)),
              r -> r != null);
      assertThat(new String(answer.getData(), StandardCharsets.UTF_8))
          .isEqualTo("{\"triggered_on\":\"helloworld\",\"payload\":\"hello world\"}");
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
    assertThat(ProcessScan.processesMentioning("qemu-system-x86_64 -name nex-")).isEmpty();
  }

  @Test
  void guestThatDoesNotHandshakeInTimeStopsTheNodeWithTheReason() throws Exception {
    Path res = dir.resolve("slow");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), config(res,
        ", \"agent_handshake_timeout_ms\": 500"))) {
      node.awaitLog("Adding new sandbox to warm pool", 1, Duration.ofSeconds(120));
      assertThat(node.awaitExit(Duration.ofSeconds(30))).as(node.log()).isEqualTo(1);
      assertThat(node.log()).contains("Did not receive a handshake from agent vmid=").contains("within 500 ms");
    }
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }

  @Test
  void missingKernelIsNamedWithTheFixByPreflightAndNodeUp() throws Exception {
    Path res = dir.resolve("nokernel");
    Files.createDirectories(res);
    Path config = res.resolve("node.json");
    Files.writeString(config, NodeProcess.config(res, "\"sandbox\": \"qemu\""));
    Cli.Result preflight = Cli.run("node", "preflight", "--config", config.toString());
    assertThat(preflight.exitCode()).isEqualTo(1);
    assertThat(preflight.stdout()).contains("✘ kernel: " + res.resolve("vmlinux") + " does not exist")
        .contains("nex rootfs build --config");
    try (NodeProcess node = NodeProcess.start(res, controlPlane.url(), Files.readString(config))) {
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(node.log()).contains("sandbox \"qemu\" cannot run: kernel " + res.resolve("vmlinux")
          + " does not exist (build them with: nex rootfs build --config");
    }
  }

}
