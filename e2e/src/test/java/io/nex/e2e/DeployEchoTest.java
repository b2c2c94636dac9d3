package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.testkit.Cli;
import io.nex.testkit.OneNode;
import io.nex.testkit.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed's last line, made real: deploy the echo service with the CLI, talk to it, stop it. */
class DeployEchoTest {
  private static final Pattern WORKLOAD_ID = Pattern.compile("with ID: ([0-9a-v]{20})");
  @TempDir static Path dir;
  static OneNode one;
  static JsClient js;

  @BeforeAll
  static void start() throws Exception {
    one = OneNode.start(dir, "\"machine_pool_size\": 2", 2);
    js = JsClient.install();
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  private static String[] cliArgs(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("-s", one.controlPlane().url(), "--timeout", Cli.timeoutFor(args[0])));
    return all.toArray(String[]::new);
  }

  private static String keyFlags(String flag) {
    return dir.resolve(flag.equals("--issuer") ? "issuer.nk" : "publisher.xk").toString();
  }

  @ParameterizedTest
  @CsvSource({"echo.native, native, echo-native", "echo.jar, jar, echo-servicejar"})
  void devrunEchoAnswersJnatsAndTheJsClientThenStops(String property, String type, String name) throws Exception {
    Path artifact = Path.of(System.getProperty(property));
    String subject = "echo." + type;
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      Cli.Result devrun = Cli.run(cliArgs("devrun", artifact.toString(), "--type", type, "--argv", subject,
          "--issuer", keyFlags("--issuer"), "--xkey", keyFlags("--xkey"), "NATS_URL=" + one.controlPlane().url()));
      assertThat(devrun.exitCode()).as(devrun.stderr() + "\n" + one.node().log()).isZero();
      assertThat(devrun.stdout()).contains("🚀 Workload '" + name + "' accepted");
      Matcher m = WORKLOAD_ID.matcher(devrun.stdout());
      assertThat(m.find()).isTrue();
      String id = m.group(1);

      byte[] payload = ("hello " + type).getBytes(StandardCharsets.UTF_8);
      Message reply = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> one.connection().request(subject, payload, Duration.ofSeconds(1)), r -> r != null);
      assertThat(reply.getData()).isEqualTo(payload);
      assertThat(js.request(one.controlPlane().url(), subject, "from javascript", 3))
          .containsExactly("from javascript", "from javascript", "from javascript");

      JsonNode nodes = Json.mapper().readTree(Cli.run(cliArgs("node", "ls", "--json")).stdout());
      assertThat(nodes.get(0).get("running_machines").asInt()).isEqualTo(1);
      JsonNode info = Json.mapper().readTree(Cli.run(cliArgs("node", "info", one.node().nodeId(), "--json")).stdout());
      assertThat(info.get("machines")).hasSize(1);
      assertThat(info.get("machines").get(0).get("id").asText()).isEqualTo(id);
      assertThat(info.get("machines").get(0).get("workload").get("type").asText()).isEqualTo(type);

      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.any("$NEX.events.default.workload_deployed", id));
      String logPrefix = "$NEX.logs.default." + one.node().nodeId() + "." + name + "." + id;
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.any(logPrefix, "echo service listening"));

      Cli.Result stop = Cli.run(cliArgs("stop", one.node().nodeId(), id, "--name", name,
          "--issuer", keyFlags("--issuer")));
      assertThat(stop.exitCode()).as(stop.stderr()).isZero();
      assertThat(stop.stdout()).contains("✅ Workload '" + name + "' stopped.");
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.any("$NEX.events.default.workload_undeployed", id));
      assertThat(Json.mapper().readTree(Cli.run(cliArgs("node", "ls", "--json")).stdout()).get(0)
          .get("running_machines").asInt()).isZero();
      assertThat(answers(subject)).as("echo after stop").isFalse();
      // by its sandbox (the workload runs in that directory): other tests may run an echo meanwhile
      assertThat(ProcessScan.processesMentioning(id)).isEmpty();
    }
  }

  /** Whether anything answers on {@code subject}; "no responders" and a timeout both mean no. */
  private static boolean answers(String subject) throws InterruptedException {
    try {
      return one.connection().request(subject, new byte[0], Duration.ofMillis(500)) != null;
    } catch (RuntimeException noResponders) {
      return false;
    }
  }

  @Test
  void aSecretReachesTheWorkloadAndNothingElse() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(secret.getBytes(StandardCharsets.UTF_8)));
    // the workload proves it got the secret by printing its digest: never the secret itself
    Path script = dir.resolve("secretreader.sh");
    Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$SECRET_TOKEN\" | sha256sum\nexec sleep 600\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Cli.Result devrun;
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      devrun = Cli.run(cliArgs("devrun", script.toString(), "--type", "native", "--issuer", keyFlags("--issuer"),
          "--xkey", keyFlags("--xkey"), "SECRET_TOKEN=" + secret));
      assertThat(devrun.exitCode()).as(devrun.stderr()).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.any("$NEX.logs.default", digest));

      Matcher m = WORKLOAD_ID.matcher(devrun.stdout());
      assertThat(m.find()).isTrue();
      Cli.Result info = Cli.run(cliArgs("node", "info", one.node().nodeId(), "--json"));
      Cli.Result stop = Cli.run(cliArgs("stop", one.node().nodeId(), m.group(1), "--name", "secretreadersh",
          "--issuer", keyFlags("--issuer")));
      assertThat(stop.exitCode()).as(stop.stderr()).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.any("$NEX.events.default.workload_undeployed",
          m.group(1)));

      assertThat(recorder.all()).isNotEmpty().allSatisfy(msg -> assertThat(msg.body()).doesNotContain(secret));
      assertThat(one.node().log()).doesNotContain(secret);
      assertThat(devrun.stdout() + devrun.stderr() + info.stdout() + info.stderr() + stop.stdout() + stop.stderr())
          .doesNotContain(secret);
    }
  }
}
