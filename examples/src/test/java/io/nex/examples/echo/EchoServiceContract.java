package io.nex.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What both forms of the echo service promise, checked against a real nats-server. */
abstract class EchoServiceContract {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private static NatsServer nats;
  private static Connection client;

  /** The command line that runs this form of the service, before its own arguments. */
  protected abstract List<String> command();

  @BeforeAll
  static void startNats() throws Exception {
    nats = NatsServer.start();
    client = Nats.connect(nats.url());
  }

  @AfterAll
  static void stopNats() throws InterruptedException {
    client.close();
    nats.close();
  }

  @Test
  void answersEachRequestWithItsOwnPayloadAndPrintsNothingPerRequest() throws Exception {
    try (ServiceProcess service = start(nats.url())) {
      assertThat(service.awaitLine()).isEqualTo("echo service listening on 'echo' at " + nats.url());

      byte[] mebibyte = new byte[1 << 20];
      new Random(42).nextBytes(mebibyte);
      for (byte[] payload : List.of("hello, nex".getBytes(StandardCharsets.UTF_8), new byte[0], mebibyte)) {
        assertThat(echo(client, "echo", payload)).isEqualTo(payload);
      }

      assertThat(service.terminate(Duration.ofSeconds(5))).isZero();
      assertThat(service.remainingStdout()).isEmpty();
    }
  }

  @Test
  void listensOnTheSubjectGivenAsFirstArgument() throws Exception {
    try (ServiceProcess service = start(nats.url(), "greetings.nex")) {
      assertThat(service.awaitLine()).contains("'greetings.nex'");

      byte[] payload = "hi there".getBytes(StandardCharsets.UTF_8);
      assertThat(echo(client, "greetings.nex", payload)).isEqualTo(payload);
    }
  }

  @Test
  void exitsZeroPromptlyOnSigterm() throws Exception {
    try (ServiceProcess service = start(nats.url())) {
      service.awaitLine();

      assertThat(service.terminate(Duration.ofSeconds(5))).isZero();
      assertThat(service.stderr()).isEmpty();
    }
  }

  @Test
  void failsWithOneLineWhenNatsIsUnreachable() throws Exception {
    String unreachable = "nats://127.0.0.1:" + NatsServer.freePort();
    try (ServiceProcess service = start(unreachable)) {
      assertThat(service.exitCode(Duration.ofSeconds(10))).isNotZero();
      assertThat(service.stderr().lines()).singleElement().asString().contains("127.0.0.1");
      assertThat(service.remainingStdout()).isEmpty();
    }
  }

  @Test
  void sendsCredentialsFromTheUrlAndNeverPrintsThem() throws Exception {
    try (NatsServer secured = NatsServer.start("--user", "nex", "--pass", "s3cr3t");
       Connection securedClient = Nats.connect(secured.url("nex:s3cr3t"));
       ServiceProcess service = start(secured.url("nex:s3cr3t"))) {
      assertThat(service.awaitLine()).isEqualTo("echo service listening on 'echo' at " + secured.url());

      byte[] payload = "authenticated".getBytes(StandardCharsets.UTF_8);
      assertThat(echo(securedClient, "echo", payload)).isEqualTo(payload);
    }
  }

  @Test
  void failsWithOneLineWhenTheServerRejectsTheCredentials() throws Exception {
    try (NatsServer secured = NatsServer.start("--user", "nex", "--pass", "s3cr3t");
       ServiceProcess service = start(secured.url("nex:wrong"))) {
      assertThat(service.exitCode(Duration.ofSeconds(10))).isEqualTo(1);
      assertThat(service.stderr().lines()).singleElement().asString()
          .containsIgnoringCase("authorization")
          .doesNotContain("wrong");
    }
  }

  private ServiceProcess start(String natsUrl, String... args) throws IOException {
    List<String> command = new ArrayList<>(command());
    command.addAll(List.of(args));
    return ServiceProcess.start(command, natsUrl);
  }

  private static byte[] echo(Connection connection, String subject, byte[] payload) throws InterruptedException {
    Message reply = connection.request(subject, payload, REQUEST_TIMEOUT);
    assertThat(reply).as("a reply on %s within %s", subject, REQUEST_TIMEOUT).isNotNull();
    return reply.getData();
  }
}
