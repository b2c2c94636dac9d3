package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.agent.function.V8Library;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escape attempts from inside a real namespace sandbox (a shell in place of the agent, same
 * walls, running the script as the agent runs a workload): each must fail, and each sandbox
 * must leave nothing behind.
 */
class NamespaceWallsTest {
  @TempDir Path dir;
  private Greeter internalServer;
  private Greeter controlPlane;
  private SandboxHarness sandboxes;

  @BeforeAll
  static void hostCanRunThem() {
    SandboxHarness.assumeHostCanRunNamespaceSandboxes();
  }

  @BeforeEach
  void start() throws Exception {
    internalServer = Greeter.onLoopback("internal-server");
    controlPlane = Greeter.onLoopback("control-plane");
    sandboxes = SandboxHarness.open(dir, List.of(controlPlane.port()));
  }

  @AfterEach
  void stop() throws Exception {
    sandboxes.close();
    internalServer.close();
    controlPlane.close();
  }

  private SandboxHarness.Ran run(String script) throws Exception {
    return sandboxes.runAsWorkload(SandboxHarness.SMALL, internalServer.port(), script);
  }

  @Test
  void hostFilesOutsideTheViewCannotBeRead() throws Exception {
    Path outsideWorkDir = Files.writeString(dir.resolve("beside-the-sandboxes.txt"), "secret-beside");
    Path creds = Files.createDirectories(dir.resolve("control-plane")).resolve("user.creds");
    Files.writeString(creds, "secret-creds");
    Path otherSandbox = Files.createDirectories(dir.resolve("sandboxes").resolve("other")).resolve("artifact");
    Files.writeString(otherSandbox, "secret-other-sandbox");
    Path inRoot = Path.of("/root", "nex-escape-test-" + UUID.randomUUID());
    Files.writeString(inRoot, "secret-root");
    try {
      SandboxHarness.Ran ran = run("for f in " + outsideWorkDir + " " + creds + " " + otherSandbox + " " + inRoot
          + " /etc/shadow /etc/machine-id /proc/1/environ; do cat \"$f\" && echo \"READ $f\"; done; "
          + "echo home: $(ls -A /home); echo root: $(ls -A /root); echo sandboxes: $(ls -A " + dir.resolve("sandboxes")
          + "); echo etc: $(ls -A /etc); echo users: $(cut -d: -f1 /etc/passwd)");

      assertThat(ran.output()).doesNotContain("secret", "READ");
      assertThat(line(ran.output(), "home:")).isEqualTo("home:");
      // the agent's class path may live under /root; nothing else there is visible
      assertThat(line(ran.output(), "root:")).isIn("root:", "root: .m2");
      assertThat(line(ran.output(), "sandboxes:")).doesNotContain("other");
      assertThat(line(ran.output(), "etc:").split(" ")).doesNotContain("shadow", "machine-id", "ssh", "resolv.conf")
          .contains("hosts", "passwd");
      assertThat(line(ran.output(), "users:")).isEqualTo("users: root nex workload");
    } finally {
      Files.deleteIfExists(inRoot);
    }
  }

  @Test
  void nothingOutsideTheWorkDirCanBeWritten() throws Exception {
    Path hostTmpMarker = Path.of("/tmp", "nex-escape-test-" + UUID.randomUUID());
    String classes = Path.of(System.getProperty("java.class.path").split(":")[0]).toString();
    SandboxHarness.Ran ran = run("for f in /usr/escape /etc/escape /escape /run/nex/escape " + classes + "/escape "
        + "/proc/sys/kernel/hostname /dev/escape; do echo x > \"$f\" && echo \"WROTE $f\"; done; "
        + "echo x > " + hostTmpMarker + " && echo private-tmp-ok; "
        + "echo x > ./mine && echo workdir-ok; echo uid: $(id -u) $(stat -c %u ./mine); "
        + "grep CapEff /proc/self/status");

    assertThat(ran.output()).doesNotContain("WROTE").contains("private-tmp-ok", "workdir-ok")
        .containsPattern("CapEff:\\s+0+\\n");
    String[] uids = line(ran.output(), "uid:").split(" ");
    assertThat(Long.parseLong(uids[1])).as("a uid of its own, not root").isGreaterThanOrEqualTo(1L << 30);
    assertThat(uids[2]).as("owner of what it writes").isEqualTo(uids[1]);
    assertThat(hostTmpMarker).as("the sandbox's /tmp is its own").doesNotExist();
  }

  @Test
  void hostProcessesAreInvisibleAndOutOfReach() throws Exception {
    long hostPid = ProcessHandle.current().pid();
    SandboxHarness.Ran ran = run("kill -0 " + hostPid + " && echo SEEN; kill -9 " + hostPid + " && echo KILLED; "
        + "kill -9 1 && echo KILLED-INIT; echo pids: $(ls /proc | grep '^[0-9]'); hostname");

    assertThat(ran.output()).doesNotContain("SEEN", "KILLED");
    String[] pids = line(ran.output(), "pids:").split(" ");
    assertThat(pids.length - 1).as("processes in the sandbox: %s", Arrays.toString(pids)).isBetween(2, 10);
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void environmentHoldsOnlyTheAgentsMetadata() throws Exception {
    SandboxHarness.Ran ran = sandboxes.run(SandboxHarness.SMALL, internalServer.port(), "env | cut -d= -f1");

    Set<String> allowed = Set.of("PATH", "HOME", "PWD", "SHLVL", "NEX_SANDBOX", "NEX_WORKLOADID",
        "NEX_NODE_NATS_HOST", "NEX_NODE_NATS_PORT", "NEX_NODE_NATS_NKEY_SEED", "NEX_WORKLOAD_UID",
        // where V8's library is (a read-only path, no secret): AgentV8Library
        V8Library.ENV_DIRECTORY);
    assertThat(ran.output().lines().filter(l -> !l.isBlank())).isSubsetOf(allowed).contains("NEX_NODE_NATS_PORT");
  }

  @Test
  void networkReachesTheAllowedLoopbackPortsAndNothingElse() throws Exception {
    try (Greeter forbidden = Greeter.onLoopback("not-allowed-greeting");
        Greeter onHostAddress = new Greeter(InetAddress.getByName("0.0.0.0"), "host-address")) {
      String hostAddress = firstNonLoopbackIpv4().orElse("127.0.0.2");
      String connect = "socat -T2 - TCP:%s:%d,connect-timeout=2 </dev/null; echo \" exit=$?\"; ";
      SandboxHarness.Ran ran = run(
          "echo internal: $(" + String.format(connect, "127.0.0.1", internalServer.port()) + "); "
          + "echo control: $(" + String.format(connect, "127.0.0.1", controlPlane.port()) + "); "
          + "echo forbidden: $(" + String.format(connect, "127.0.0.1", forbidden.port()) + "); "
          + "echo host: $(" + String.format(connect, hostAddress, onHostAddress.port()) + "); "
          + "echo interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1)");

      assertThat(line(ran.output(), "internal:")).contains("internal-server", "exit=0");
      assertThat(line(ran.output(), "control:")).contains("control-plane", "exit=0");
      assertThat(line(ran.output(), "forbidden:")).doesNotContain("not-allowed-greeting", "exit=0");
      assertThat(line(ran.output(), "host:")).doesNotContain("host-address", "exit=0");
      assertThat(line(ran.output(), "interfaces:").trim()).isEqualTo("interfaces: lo");
    }
  }

  private static Optional<String> firstNonLoopbackIpv4() throws Exception {
    return NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .map(InetAddress::getHostAddress)
        .findFirst();
  }

  private static String line(String output, String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + output));
  }
}
