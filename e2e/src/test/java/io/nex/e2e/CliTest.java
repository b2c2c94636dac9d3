package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.node.natsserver.NatsServerProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;

  @Test
  void noNodesDiscoveredIsNotAnError() throws Exception {
    try (ControlPlaneServer server = ControlPlaneServer.start(dir)) {
      Cli.Result ls = Cli.run("node", "ls", "-s", server.url(), "--timeout", "300ms");
      assertThat(ls.exitCode()).isZero();
      assertThat(ls.stdout().strip()).isEqualTo("No nodes discovered");
      Cli.Result json = Cli.run("node", "ls", "-s", server.url(), "--timeout", "300ms", "--json");
      assertThat(json.stdout().strip()).isEqualTo("[ ]");
    }
  }

  @Test
  void badFlagIsUsageAndExitTwo() throws Exception {
    Cli.Result result = Cli.run("node", "ls", "--bogus");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("Unknown option: '--bogus'").contains("usage: nex node ls");
    assertThat(result.stderr()).doesNotContain("at io.nex");
  }

  @Test
  void badTimeoutIsUsageAndExitTwo() throws Exception {
    Cli.Result result = Cli.run("node", "ls", "--timeout", "soon");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("'soon' is not a duration");
  }

  @Test
  void unreachableServerIsOneLineAndExitOne() throws Exception {
    String url = "nats://127.0.0.1:" + NatsServerProcess.freePort();
    Cli.Result result = Cli.run("node", "ls", "-s", url);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr().strip()).startsWith("nex: cannot connect to NATS at " + url).doesNotContain("\n");
  }

  @Test
  void infoOfAnUnknownNodeIsOneLineAndExitOne() throws Exception {
    try (ControlPlaneServer server = ControlPlaneServer.start(dir)) {
      Cli.Result result = Cli.run("node", "info", "NBOGUS", "-s", server.url(), "--timeout", "300ms");
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr().strip()).startsWith("nex: ").doesNotContain("\n");
    }
  }
}
