package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.control.RunResponse;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Functions end to end: triggers, replies, events, host services, limits, refusals at deploy. */
class FunctionTest {
  @TempDir static Path dir;
  static OneNode one;
  static JsClient js;

  @BeforeAll
  static void start() throws Exception {
    js = JsClient.install();
    one = OneNode.start(dir, "\"machine_pool_size\": 2, \"function_timeout_ms\": 1000", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  private static RunResponse deploy(String name, String type, Path artifact, String... triggers) throws Exception {
    Envelope reply = one.client().deploy("default", one.node().nodeId(), one.client().functionRequest(name, type,
        one.client().upload(name, artifact), DeployClient.sha256(artifact), one.node().nodeId(), List.of(triggers)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    return reply.dataAs(RunResponse.class);
  }

  private static String refusal(String name, String type, Path artifact, String... triggers) throws Exception {
    Envelope reply = one.client().deploy("default", one.node().nodeId(), one.client().functionRequest(name, type,
        one.client().upload(name, artifact), DeployClient.sha256(artifact), one.node().nodeId(), List.of(triggers)));
    assertThat(reply.failed()).isTrue();
    return reply.error();
  }

  private static Path fixture(String name) {
    return Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/functions").resolve(name);
  }

  private static String text(Message m) {
    return new String(m.getData(), StandardCharsets.UTF_8);
  }

  private static Message request(String subject, String payload) throws InterruptedException {
    Message reply = one.connection().request(subject, payload.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
    assertThat(reply).as("reply on " + subject).isNotNull();
    return reply;
  }

  @Test
  void javascriptEchoAnswersJnatsAndTheJsClientWithEvents() throws Exception {
    RunResponse run = deploy("jsecho", "javascript", Path.of(System.getProperty("echo.js")), "fn.js.echo", "fn.js.more.*");
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      assertThat(text(request("fn.js.echo", "hello"))).isEqualTo("\"hello\"");
      assertThat(text(request("fn.js.more.x", "wildcard"))).isEqualTo("\"wildcard\"");
      assertThat(js.request(one.controlPlane().url(), "fn.js.echo", "from javascript", 2))
          .containsExactly("\"from javascript\"", "\"from javascript\"");
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.on("$NEX.events.default.function_exec_succeeded").size() >= 4);
      JsonNode event = Json.mapper().readTree(recorder.on("$NEX.events.default.function_exec_succeeded").get(0).body());
      assertThat(event.get("data").get("workload_name").asText()).isEqualTo("jsecho");
      assertThat(event.get("data").get("trigger_subject").asText()).isEqualTo("fn.js.echo");
      assertThat(event.get("data").get("elapsed_nanos").asLong()).isPositive();
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.any(
          "$NEX.logs.default." + one.node().nodeId() + ".jsecho", "echo on fn.js.echo"));
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "jsecho");
    }
  }

  @Test
  void wasmEchoAnswers() throws Exception {
    RunResponse run = deploy("wasmecho", "wasm", Path.of(System.getProperty("echo.wasm")), "fn.wasm.echo");
    try {
      assertThat(text(request("fn.wasm.echo", "hello wasm"))).isEqualTo("hello wasm");
      assertThat(js.request(one.controlPlane().url(), "fn.wasm.echo", "via node.js", 1))
          .containsExactly("via node.js");
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "wasmecho");
    }
  }

  @Test
  void keyValueRoundTripFromInsideAFunction() throws Exception {
    RunResponse run = deploy("kvfn", "javascript", fixture("kv.js"), "fn.kv");
    try {
      JsonNode reply = Json.mapper().readTree(text(request("fn.kv", "remember me")));
      assertThat(reply.get("stored").asText()).isEqualTo("remember me");
      assertThat(reply.get("subject").asText()).isEqualTo("fn.kv");
      assertThat(reply.get("keys").toString()).contains("last");
      // the bucket is the workload's own, on the control plane: visible to its operators
      assertThat(new String(one.connection().keyValue("hs_default_kvfn_kv").get("last").getValue(),
          StandardCharsets.UTF_8)).isEqualTo("remember me");
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "kvfn");
    }
  }

  @Test
  void failingFunctionAnswersWithAnErrorHeaderAndAFailedEvent() throws Exception {
    RunResponse run = deploy("failing", "javascript", fixture("fails.js"), "fn.fails");
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      Message reply = request("fn.fails", "x");
      assertThat(reply.getHeaders().getFirst("x-nex-error")).contains("this function always fails");
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.any("$NEX.events.default.function_exec_failed",
          "this function always fails"));
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "failing");
    }
  }

  @Test
  void aReplyOverTheServersMaxPayloadIsAnsweredWithAnErrorHeaderAndAFailedEvent() throws Exception {
    RunResponse run = deploy("bigreply", "javascript", fixture("big-reply.js"), "fn.bigreply");
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      Message reply = request("fn.bigreply", "x");
      assertThat(reply.getHeaders().getFirst("x-nex-error"))
          .startsWith("the function's reply of 9437186 bytes is over the NATS server's max_payload of 8388608");
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.any("$NEX.events.default.function_exec_failed",
          "max_payload"));
      assertThat(recorder.on("$NEX.events.default.function_exec_succeeded")).isEmpty();
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "bigreply");
    }
  }

  @Test
  void runawayFunctionIsStoppedByTheTimeoutAndTheNextMessageIsAnswered() throws Exception {
    RunResponse run = deploy("forever", "javascript", fixture("forever.js"), "fn.forever");
    try {
      long started = System.nanoTime();
      Message stuck = request("fn.forever", "loop");
      assertThat(stuck.getHeaders().getFirst("x-nex-error")).contains("timed out");
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(4000);
      assertThat(text(request("fn.forever", "quick"))).isEqualTo("\"quick\"");
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), "forever");
    }
  }

  @Test
  void twoCopiesOfAFunctionShareTheLoad() throws Exception {
    Path echo = Path.of(System.getProperty("echo.js"));
    RunResponse first = deploy("shared", "javascript", echo, "fn.shared");
    RunResponse second = deploy("shared", "javascript", echo, "fn.shared");
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      for (int i = 0; i < 40; i++) {
        request("fn.shared", "n" + i);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.on("$NEX.events.default.function_exec_succeeded").size() >= 40);
      Set<String> answeredBy = new HashSet<>();
      for (var event : recorder.on("$NEX.events.default.function_exec_succeeded")) {
        answeredBy.add(Json.mapper().readTree(event.body()).get("data").get("id").asText());
      }
      assertThat(answeredBy).containsExactlyInAnyOrder(first.id(), second.id());
    } finally {
      one.client().stop("default", one.node().nodeId(), first.id(), "shared");
      one.client().stop("default", one.node().nodeId(), second.id(), "shared");
    }
  }

  @Test
  void badFunctionsAreRefusedAtDeployWithTheReason() throws Exception {
    assertThat(refusal("broken", "javascript", fixture("broken.js"), "fn.broken"))
        .startsWith("workload rejected by agent:").containsIgnoringCase("syntax");
    Path garbage = dir.resolve("garbage.wasm");
    Files.write(garbage, "this is not wasm".getBytes(StandardCharsets.UTF_8));
    assertThat(refusal("garbage", "wasm", garbage, "fn.garbage")).contains("not a WebAssembly module");
    Path echo = Path.of(System.getProperty("echo.js"));
    assertThat(refusal("notrigger", "javascript", echo)).isEqualTo("a javascript function needs at least one trigger subject");
    assertThat(refusal("spy", "javascript", echo, "$NEX.>"))
        .isEqualTo("trigger subject \"$NEX.>\" collides with the deny list entry \"$NEX.>\"");
    assertThat(refusal("spy2", "javascript", echo, "*.PING"))
        .startsWith("trigger subject \"*.PING\" collides with the deny list entry");
    assertThat(one.node().isAlive()).isTrue();
  }
}
