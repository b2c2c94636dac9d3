package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nex.api.Envelope;
import io.nex.api.control.RunResponse;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal nats-server is killed while 20 deploys are on their way: each deploy either
 * succeeds or is refused with a clear one-line reason, the node never takes nats-server's
 * no-responder status for an agent's answer, and no warm sandbox is destroyed on the way.
 */
class InternalServerRestartRaceTest {
  private static final int DEPLOYS = 20;
  private static final int POOL = 6;
  private static final Pattern STARTED = Pattern.compile("Internal NATS server started client_url=\"[^\"]+\" pid=(\\d+)");
  /** What a refusal may say when the internal server is away: each names its cause. */
  private static final Pattern CLEAR_REFUSAL = Pattern.compile(
      "no warm sandbox became ready within \\d+ ms|agent of sandbox \\w+ is not connected"
          + "|agent of sandbox \\w+ did not answer the deploy within \\d+ ms");

  @TempDir Path dir;

  @Test
  void deploysRacingARestartSucceedOrSayWhyAndNoWarmSandboxIsDestroyed() throws Exception {
    try (OneNode one = OneNode.start(dir, "\"machine_pool_size\": " + POOL, POOL)) {
      Path echo = Path.of(System.getProperty("echo.native"));
      String location = one.client().upload("echo", echo);
      String sha256 = DeployClient.sha256(echo);
      String nodeId = one.node().nodeId();
      String xkey = one.client().nodeXkey("default", nodeId);
      Matcher started = STARTED.matcher(one.node().log());
      assertThat(started.find()).as(one.node().log()).isTrue();
      ProcessHandle internal = ProcessHandle.of(Long.parseLong(started.group(1))).orElseThrow();

      ExecutorService senders = Executors.newFixedThreadPool(DEPLOYS);
      List<CompletableFuture<Envelope>> replies = new ArrayList<>();
      try {
        for (int i = 0; i < DEPLOYS; i++) {
          String name = "race" + i;
          replies.add(CompletableFuture.supplyAsync(() -> {
            try {
              return one.client().deploy("default", nodeId, one.client().request(name, "native", location, sha256,
                  Map.of("NATS_URL", one.controlPlane().url()), nodeId, xkey, List.of("race." + name)));
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }, senders));
          if (i == 2) {
            internal.destroyForcibly(); // while the first deploys are being answered
          }
          // a burst that the restart cuts into, then a trickle that meets the gap and the refill
          Thread.sleep(i < POOL ? 20 : 150);
        }
        one.node().awaitLog("Internal NATS server restarted", 1, Duration.ofSeconds(15));

        List<String> deployed = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (int i = 0; i < DEPLOYS; i++) {
          Envelope reply = replies.get(i).get(60, TimeUnit.SECONDS);
          if (reply.error() == null) {
            deployed.add(reply.dataAs(RunResponse.class).id() + " race" + i);
          } else {
            refusals.add(reply.error());
          }
        }
        System.out.printf("deploys racing the restart: %d deployed, %d refused %s%n", deployed.size(),
            refusals.size(), refusals);

        assertThat(refusals).allSatisfy(error -> {
          assertThat(error).doesNotContain("\n");
          assertThat(CLEAR_REFUSAL.matcher(error).matches()).as(error).isTrue();
        });
        assertThat(deployed).as("the warm pool's sandboxes at least").hasSizeGreaterThanOrEqualTo(POOL);
        String log = one.node().log();
        assertThat(log).doesNotContain("answered nonsense", "Warm agent exited", "Destroying sandbox");
        assertThat(one.node().isAlive()).isTrue();

        for (String workload : deployed) {
          String name = workload.split(" ")[1];
          await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> echoes(one, "race." + name));
        }
        for (String workload : deployed) {
          String[] idAndName = workload.split(" ");
          assertThat(one.client().stop("default", nodeId, idAndName[0], idAndName[1]).error()).isNull();
        }
        assertThat(one.node().log()).doesNotContain("Agent did not confirm the undeploy")
            .doesNotContainPattern("Destroying sandbox vmid=\\w+ state=(?!deployed)");
      } finally {
        senders.shutdownNow();
      }
    }
  }

  private static boolean echoes(OneNode one, String subject) throws InterruptedException {
    Message reply = one.connection().request(subject, "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
    return reply != null && "ping".equals(new String(reply.getData(), StandardCharsets.UTF_8));
  }
}
