package io.nex.node.sandbox.firecracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxIds;
import io.nex.node.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver end to end with stand-ins for the two things this machine lacks: a
 * {@code firecracker} executable (a JVM running {@link FakeFirecracker} on the real API
 * socket) and the CNI plugins (shell scripts that log each call and answer as ptp and
 * tc-redirect-tap do; the tap one makes a real tap device in the VM's namespace). The network
 * namespace, the process, the rootfs copy and the socket are real. Needs root, for ip netns.
 */
class FirecrackerSandboxDriverTest {
  private static final String TAP_RESULT = """
      {"cniVersion":"0.4.0","interfaces":[{"name":"veth0","mac":"aa:bb:cc:00:00:01","sandbox":"$CNI_NETNS"},\
      {"name":"tap0","mac":"aa:bb:cc:00:00:02","sandbox":"$CNI_NETNS"},\
      {"name":"tap0","mac":"02:fc:00:00:00:07","sandbox":"$CNI_CONTAINERID"}],\
      "ips":[{"version":"4","address":"192.168.127.7/24","gateway":"192.168.127.1","interface":2}]}""";

  @TempDir Path dir;
  private Path fcLog;
  private Path cniLog;
  private Path kernel;
  private Path rootfs;
  private Path bin;
  private Path cniBin;

  @BeforeEach
  void stage() throws IOException {
    assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "ip netns needs root");
    assumeTrue(FirecrackerPrograms.find("ip", List.of()).isPresent(), "needs iproute2");
    fcLog = dir.resolve("firecracker-requests.jsonl");
    cniLog = dir.resolve("cni-calls.log");
    kernel = Files.writeString(dir.resolve("vmlinux"), "not really a kernel");
    rootfs = dir.resolve("rootfs.ext4");
    byte[] image = new byte[256 * 1024];
    new java.util.Random(7).nextBytes(image);
    Files.write(rootfs, image);
    bin = Files.createDirectories(dir.resolve("bin"));
    cniBin = Files.createDirectories(dir.resolve("cni"));
    script(bin.resolve("firecracker"), "export FAKE_FC_LOG='" + fcLog + "'\n"
        + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xshare:auto -XX:TieredStopAtLevel=1"
        + " -cp '" + System.getProperty("java.class.path") + "' " + FakeFirecracker.class.getName() + " \"$@\"\n");
    script(cniBin.resolve("ptp"), plugin("ptp", """
        {"cniVersion":"0.4.0","interfaces":[{"name":"veth0","mac":"aa:bb:cc:00:00:01","sandbox":"$CNI_NETNS"}],\
        "ips":[{"version":"4","address":"192.168.127.7/24","gateway":"192.168.127.1","interface":0}]}""", ""));
    script(cniBin.resolve("tc-redirect-tap"), plugin("tc-redirect-tap", TAP_RESULT,
        "nsenter --net=\"$CNI_NETNS\" ip tuntap add dev tap0 mode tap || exit 1"));
  }

  @Test
  void bootsThroughTheApiAndDestroyLeavesNothing() throws Exception {
    String id = SandboxIds.next();
    Path workDir = dir.resolve("sandboxes").resolve(id);
    Sandbox sandbox = driver().launch(spec(id, workDir));
    try {
      long pid = Long.parseLong(sandbox.describe().substring("pid=".length()));
      assertTrue(sandbox.isAlive());
      Path netns = Path.of("/var/run/netns", "nex-" + id);
      assertTrue(Files.exists(netns), "the VM has its own network namespace");
      assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
          Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")), "firecracker runs inside it");

      List<JsonNode> requests = lines(fcLog).stream().map(FirecrackerSandboxDriverTest::json).toList();
      assertEquals(List.of("GET /", "PUT /machine-config", "PUT /boot-source", "PUT /drives/rootfs",
          "PUT /network-interfaces/eth0", "PUT /mmds/config", "PUT /mmds", "PUT /actions"),
          requests.stream().filter(r -> r.get("status").asInt() < 300)
              .map(r -> r.get("method").asText() + " " + r.get("path").asText()).distinct().toList());
      assertTrue(requests.stream().filter(r -> r.get("method").asText().equals("PUT"))
          .allMatch(r -> r.get("status").asInt() == 204), "every PUT accepted: " + requests);
      JsonNode machine = body(requests, "/machine-config");
      assertEquals(2, machine.get("vcpu_count").asInt());
      assertEquals(384, machine.get("mem_size_mib").asInt());
      JsonNode boot = body(requests, "/boot-source");
      assertEquals(kernel.toString(), boot.get("kernel_image_path").asText());
      assertTrue(boot.get("boot_args").asText().endsWith(" ip=192.168.127.7::192.168.127.1:255.255.255.0::eth0:off"),
          boot.toString());
      JsonNode drive = body(requests, "/drives/rootfs");
      Path copy = Path.of(drive.get("path_on_host").asText());
      assertEquals(workDir.resolve("rootfs.ext4"), copy, "each VM boots its own copy");
      assertEquals(-1L, Files.mismatch(rootfs, copy));
      assertTrue(drive.get("is_root_device").asBoolean());
      JsonNode net = body(requests, "/network-interfaces/eth0");
      assertEquals("tap0", net.get("host_dev_name").asText());
      assertEquals("02:fc:00:00:00:07", net.get("guest_mac").asText());
      assertEquals("V2", body(requests, "/mmds/config").get("version").asText());
      JsonNode mmds = body(requests, "/mmds");
      assertEquals(id, mmds.get("vmid").asText());
      assertEquals("192.168.127.1", mmds.get("node_nats_host").asText(), "the guest reaches the host at the gateway");
      assertEquals(4222, mmds.get("node_nats_port").asInt());
      assertEquals("SUASEEDFORTEST", mmds.get("node_nats_nkey").asText());
      assertEquals(AgentMetadata.HOST_SUPPLIED, mmds.get("message").asText());
      assertEquals("InstanceStart", body(requests, "/actions").get("action_type").asText());

      List<String> adds = lines(cniLog);
      assertEquals(2, adds.size(), adds.toString());
      assertTrue(adds.get(0).startsWith("ptp ADD " + id + " " + netns + " veth0 "), adds.get(0));
      assertTrue(adds.get(1).startsWith("tc-redirect-tap ADD " + id + " " + netns + " veth0 "), adds.get(1));
      assertTrue(adds.get(1).contains("\"prevResult\""), "each plugin gets the previous result");
      assertTrue(adds.get(0).contains("\"subnet\":\"192.168.127.0/24\""), "default network list from cni.subnet");

      sandbox.destroy();
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "firecracker is gone");
      assertFalse(Files.exists(netns), "namespace (and the tap in it) is gone");
      assertFalse(Files.exists(workDir), "socket and rootfs copy are gone");
      assertEquals(List.of(), processesMentioning(workDir.toString()));
      List<String> calls = lines(cniLog);
      assertTrue(calls.get(2).startsWith("tc-redirect-tap DEL " + id), calls.toString());
      assertTrue(calls.get(3).startsWith("ptp DEL " + id), calls.toString());
      assertTrue(calls.get(3).contains("\"prevResult\""), "DEL gets the ADD result");
    } finally {
      sandbox.destroy();
    }
  }

  @Test
  void firecrackerRefusalIsReportedAndUndone() throws Exception {
    Files.delete(kernel);
    String id = SandboxIds.next();
    Path workDir = dir.resolve("sandboxes").resolve(id);
    IOException refused = assertThrows(IOException.class, () -> driver().launch(spec(id, workDir)));
    assertEquals("Firecracker refused PUT /boot-source (400): No such file or directory (os error 2): " + kernel,
        refused.getMessage());
    assertNothingLeft(id, workDir);
    assertTrue(lines(cniLog).stream().anyMatch(l -> l.startsWith("ptp DEL " + id)), "CNI DEL ran");
  }

  @Test
  void cniFailureIsReportedAndUndone() throws Exception {
    script(cniBin.resolve("ptp"), "echo '{\"cniVersion\":\"0.4.0\",\"code\":11,\"msg\":\"no IP addresses available in"
        + " range set\",\"details\":\"192.168.127.2-192.168.127.254\"}'\nexit 1\n");
    String id = SandboxIds.next();
    Path workDir = dir.resolve("sandboxes").resolve(id);
    IOException refused = assertThrows(IOException.class, () -> driver().launch(spec(id, workDir)));
    assertEquals("CNI plugin ptp ADD failed: no IP addresses available in range set: 192.168.127.2-192.168.127.254",
        refused.getMessage());
    assertNothingLeft(id, workDir);
    assertFalse(Files.exists(fcLog), "firecracker never started");
  }

  @Test
  void firecrackerThatDiesEarlyIsReported() throws Exception {
    script(bin.resolve("firecracker"), "echo 'Error: KVM not available' >&2\nexit 3\n");
    String id = SandboxIds.next();
    Path workDir = dir.resolve("sandboxes").resolve(id);
    IOException refused = assertThrows(IOException.class, () -> driver().launch(spec(id, workDir)));
    assertTrue(refused.getMessage().startsWith("firecracker exited with code 3 before its API answered"),
        refused.getMessage());
    assertNothingLeft(id, workDir);
  }

  @Test
  void unavailableNamesWhatIsMissing() throws Exception {
    NodeConfig noBinary = config("[]");
    Optional<String> reason = FirecrackerSandboxDriver.unavailableReason(noBinary);
    assumeTrue(FirecrackerPrograms.find("firecracker", List.of()).isEmpty(), "a real firecracker is installed");
    assertEquals(Optional.of("firecracker not found in bin_path or PATH"), reason);

    Optional<String> withBinary = FirecrackerSandboxDriver.unavailableReason(config("[\"" + bin + "\"]"));
    assertEquals(HostKvm.unusableReason().map(r -> r.contains("kvm") || r.contains("vmx") || r.contains("KVM")),
        withBinary.filter(r -> !r.startsWith("internal_node_host")).map(r -> true), "the next gap is KVM: " + withBinary);
  }

  private void assertNothingLeft(String id, Path workDir) throws IOException {
    assertFalse(Files.exists(Path.of("/var/run/netns", "nex-" + id)), "no namespace left");
    assertFalse(Files.exists(workDir), "no socket or rootfs copy left");
    assertEquals(List.of(), processesMentioning(workDir.toString()));
  }

  private FirecrackerSandboxDriver driver() throws Exception {
    return new FirecrackerSandboxDriver(config("[\"" + bin + "\"]"), dir.resolve("no-cni-conf"));
  }

  private NodeConfig config(String binPath) throws Exception {
    return NodeConfigLoader.parse(("{\"bin_path\": " + binPath + ", \"kernel_filepath\": \"" + kernel
        + "\", \"rootfs_filepath\": \"" + rootfs + "\", \"internal_node_host\": \"0.0.0.0\","
        + " \"cni\": {\"bin_path\": [\"" + cniBin + "\"]}}").getBytes(StandardCharsets.UTF_8));
  }

  private static SandboxSpec spec(String id, Path workDir) {
    return new SandboxSpec(id, new AgentMetadata(id, "0.0.0.0", 4222, "SUASEEDFORTEST", AgentMetadata.HOST_SUPPLIED),
        new NodeConfig.MachineTemplate(2, 384, 1024), workDir);
  }

  /** A CNI plugin stand-in: logs "NAME COMMAND id netns ifname stdin", prints {@code result} on ADD. */
  private String plugin(String name, String result, String onAdd) {
    return "input=$(cat | tr -d '\\n')\n"
        + "echo \"" + name + " $CNI_COMMAND $CNI_CONTAINERID $CNI_NETNS $CNI_IFNAME $input\" >> '" + cniLog + "'\n"
        + "if [ \"$CNI_COMMAND\" = ADD ]; then\n" + onAdd + "\ncat <<EOF\n" + result + "\nEOF\nfi\n"
        + "if [ \"$CNI_COMMAND\" = DEL ] && [ '" + name + "' = tc-redirect-tap ]; then\n"
        + "nsenter --net=\"$CNI_NETNS\" ip link delete tap0 2>/dev/null\nfi\nexit 0\n";
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private static JsonNode json(String line) {
    try {
      return Json.mapper().readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode body(List<JsonNode> requests, String path) {
    return requests.stream().filter(r -> r.get("path").asText().equals(path)).reduce((a, b) -> b).orElseThrow()
        .get("body");
  }

  private static List<String> processesMentioning(String text) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().filter(c -> c.contains(text))
        .ifPresent(c -> found.add(p.pid() + " " + c)));
    return found;
  }
}
