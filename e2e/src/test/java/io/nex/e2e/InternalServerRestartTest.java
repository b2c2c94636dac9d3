package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.node.natsserver.NatsServerProcess;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's internal nats-server is killed: the node starts it again on the same port with every
 * sandbox user, agents reconnect, the running echo service still answers, and deploys and stops
 * still reach agents.
 */
class InternalServerRestartTest {
  private static final Pattern STARTED = Pattern.compile("Internal NATS server (?:re)?started client_url=\"([^\"]+)\" pid=(\\d+)");
  @TempDir static Path dir;
  static OneNode one;
  static int httpPort;

  @BeforeAll
  static void start() throws Exception {
    httpPort = NatsServerProcess.freePort();
    one = OneNode.start(dir, "\"machine_pool_size\": 2, \"http_port\": " + httpPort, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  private static RunResponse deployEcho(String name, String subject) throws Exception {
    Path echo = Path.of(System.getProperty("echo.native"));
    Envelope reply = one.client().deploy("default", one.node().nodeId(), one.client().request(name, "native",
        one.client().upload(name, echo), DeployClient.sha256(echo), Map.of("NATS_URL", one.controlPlane().url()),
        one.node().nodeId(), one.client().nodeXkey("default", one.node().nodeId()), List.of(subject)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    RunResponse run = reply.dataAs(RunResponse.class);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> echoes(subject));
    return run;
  }

  private static boolean echoes(String subject) throws InterruptedException {
    Message reply = one.connection().request(subject, "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
    return reply != null && "ping".equals(new String(reply.getData(), StandardCharsets.UTF_8));
  }

  @Test
  void killedInternalServerIsRestartedOnItsPortAndAgentsComeBack() throws Exception {
    RunResponse before = deployEcho("echobefore", "echo.before");
    one.node().awaitLog("Received agent handshake", 3, Duration.ofSeconds(30)); // the pool refilled
    Matcher started = STARTED.matcher(one.node().log());
    assertThat(started.find()).as(one.node().log()).isTrue();
    String url = started.group(1);
    long pid = Long.parseLong(started.group(2));

    ProcessHandle internal = ProcessHandle.of(pid).orElseThrow();
    assertThat(internal.info().commandLine().orElse("")).contains("internal-nats.conf");
    internal.destroyForcibly();
    internal.onExit().join();

    one.node().awaitLog("Internal NATS server restarted", 1, Duration.ofSeconds(15));
    Matcher restarted = Pattern.compile("Internal NATS server restarted client_url=\"([^\"]+)\" pid=(\\d+) sandbox_users=(\\d+)")
        .matcher(one.node().log());
    assertThat(restarted.find()).isTrue();
    assertThat(restarted.group(1)).isEqualTo(url);
    assertThat(Long.parseLong(restarted.group(2))).isNotEqualTo(pid);
    assertThat(Integer.parseInt(restarted.group(3))).as("the deployed sandbox and the warm pool's").isEqualTo(3);
    assertThat(one.node().log()).contains("Internal NATS server exited with code");

    assertThat(echoes("echo.before")).isTrue();
    // a new deploy reaches a warm agent that lived through the restart
    RunResponse after = deployEcho("echoafter", "echo.after");
    assertThat(one.client().stop("default", one.node().nodeId(), before.id(), "echobefore").error()).isNull();
    assertThat(one.client().stop("default", one.node().nodeId(), after.id(), "echoafter").error()).isNull();
    assertThat(one.node().log()).doesNotContain("Agent did not confirm the undeploy");
    assertThat(one.node().isAlive()).isTrue();

    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("nex_internal_server_restarts_total 1.0\n");
    assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/healthz")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
  }
}
