package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.testkit.Cli;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `nex logs`, `nex events` and `nex monitor` follow what a deploy produces. */
class LogsAndEventsCliTest {
  @TempDir Path dir;

  @Test
  void followersSeeTheEchoServicesOutputAndItsLifecycle() throws Exception {
    Path res = dir.resolve("node");
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res, ""))) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(30));
      String url = controlPlane.url();
      CompletableFuture<Cli.Result> logs = CompletableFuture.supplyAsync(() -> run("logs", "-s", url,
          "--workload_name", "echo-native", "--count", "1"));
      CompletableFuture<Cli.Result> events = CompletableFuture.supplyAsync(() -> run("events", "-s", url,
          "--count", "1", "--json"));
      CompletableFuture<Cli.Result> monitor = CompletableFuture.supplyAsync(() -> run("monitor", "-s", url,
          "--count", "2"));
      Thread.sleep(2500); // the followers are JVMs too: let them subscribe first

      Cli.Result devrun = Cli.run("devrun", System.getProperty("echo.native"), "--type", "native", "-s", url,
          "--issuer", dir.resolve("issuer.nk").toString(), "--xkey", dir.resolve("publisher.xk").toString(),
          "NATS_URL=" + url);
      assertThat(devrun.exitCode()).as(devrun.stderr()).isZero();

      Cli.Result logLines = logs.get();
      assertThat(logLines.exitCode()).as(logLines.stderr()).isZero();
      assertThat(logLines.stdout()).contains("[echo-native ").contains("echo service listening on 'echo'");
      Cli.Result eventLines = events.get();
      assertThat(eventLines.stdout()).contains("\"type\":\"workload_deployed\"").contains("\"specversion\":\"1.0\"");
      Cli.Result monitorLines = monitor.get();
      assertThat(monitorLines.stdout()).contains("event workload_deployed").contains("log   echo-native");
    }
  }

  private static Cli.Result run(String... args) {
    try {
      return Cli.run(args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
