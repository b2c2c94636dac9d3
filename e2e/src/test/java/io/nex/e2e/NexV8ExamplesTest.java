package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.control.RunResponse;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript as Nex users wrote it, deployed unchanged as type {@code v8} through a real node and
 * answered over NATS: Nex 0.2.7's own example functions (examples/nex-v8), a classic script in
 * today's JavaScript, an async function awaiting a host service, and ES modules.
 */
class NexV8ExamplesTest {
  private static final Path NEX_EXAMPLES = base().resolve("../examples/nex-v8");
  private static final Path FIXTURES = base().resolve("src/test/resources/functions");

  @TempDir static Path dir;
  static OneNode one;

  @BeforeAll
  static void start() throws Exception {
    one = OneNode.start(dir, "\"machine_pool_size\": 2", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  private static Path base() {
    return Path.of(System.getProperty("basedir", "."));
  }

  /** Deploys {@code artifact} as a v8 function, sends one request, stops it, returns the reply's text. */
  private static String deployAndAsk(String name, Path artifact, String subject, String payload) throws Exception {
    Envelope reply = one.client().deploy("default", one.node().nodeId(), one.client().functionRequest(name, "v8",
        one.client().upload(name, artifact), DeployClient.sha256(artifact), one.node().nodeId(), List.of(subject)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    RunResponse run = reply.dataAs(RunResponse.class);
    try {
      Message answer = one.connection().request(subject, payload.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
      assertThat(answer).as("reply on " + subject + "\n" + one.node().log()).isNotNull();
      assertThat(answer.getHeaders() == null ? null : answer.getHeaders().getFirst("x-nex-error")).isNull();
      return new String(answer.getData(), StandardCharsets.UTF_8);
    } finally {
      one.client().stop("default", one.node().nodeId(), run.id(), name);
    }
  }

  @Test
  void nexsEchoFunctionRepliesExactlyAsInNex() throws Exception {
    assertThat(deployAndAsk("echofunction", NEX_EXAMPLES.resolve("echofunction.js"), "helloworld", "hello world"))
        .isEqualTo("{\"triggered_on\":\"helloworld\",\"payload\":\"hello world\"}");
  }

  @Test
  void nexsKvExampleUsesTheWorkloadsBucket() throws Exception {
    assertThat(deployAndAsk("nexkv", NEX_EXAMPLES.resolve("kv.js"), "nex.kv", "hello world"))
        .isEqualTo("{\"keys\":[\"hello2\"],\"hello2\":\"hello world\"}");
  }

  @Test
  void nexsObjectStoreExampleSeesObjectInfosAsNexShapedThem() throws Exception {
    JsonNode reply = Json.mapper().readTree(deployAndAsk("nexobj", NEX_EXAMPLES.resolve("objectstore.js"), "nex.obj", "hi"));
    assertThat(reply.get("hello2").toString()).isEqualTo("[104,105]");
    assertThat(reply.get("list")).hasSize(1);
    JsonNode info = reply.get("list").get(0);
    assertThat(info.get("name").asText()).isEqualTo("hello2");
    assertThat(info.get("bucket").asText()).isEqualTo("hs_default_nexobj_obj");
    assertThat(info.get("size").asInt()).isEqualTo(2);
    assertThat(info.get("digest").asText()).startsWith("SHA-256=");
  }

  @Test
  void nexsBundleIsAModuleWhoseDefaultExportReturnsTheFunction() throws Exception {
    assertThat(deployAndAsk("nexbundle", NEX_EXAMPLES.resolve("index.js"), "nex.bundle", "hi"))
        .isEqualTo("{\"0\":104,\"1\":105}");
  }

  @Test
  void aClassicScriptInTodaysJavaScript() throws Exception {
    assertThat(deployAndAsk("modern", FIXTURES.resolve("modern.js"), "fn.modern", "abc"))
        .isEqualTo("{\"subject\":\"fn.modern\",\"size\":3,\"first\":\"a\",\"deep\":\"none\"}");
  }

  @Test
  void anAsyncFunctionAwaitingAHostService() throws Exception {
    assertThat(deployAndAsk("asynckv", FIXTURES.resolve("async-kv.js"), "fn.async", "hi"))
        .isEqualTo("{\"subject\":\"fn.async\",\"count\":1,\"said\":\"hi\"}");
  }

  @Test
  void anEsModuleWithADefaultExport() throws Exception {
    assertThat(deployAndAsk("module", FIXTURES.resolve("module.mjs"), "fn.module", "hi"))
        .isEqualTo("\"module:fn.module:hi:1\"");
  }
}
