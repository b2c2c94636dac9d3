package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Envelope;
import io.nex.api.Json;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http_port}: /metrics moves as the node works, /healthz says whether it can take work. */
class MetricsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
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

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample line that starts with {@code series} (name and labels), or null. */
  private static Double sample(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElse(null);
  }

  private static String metrics() throws Exception {
    HttpResponse<String> response = send("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    return response.body();
  }

  @Test
  void healthzIsOkWithTheNodesIdPoolAndWorkloads() throws Exception {
    HttpResponse<String> response = send("GET", "/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = Json.mapper().readTree(response.body());
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("node_id").asText()).isEqualTo(one.node().nodeId());
    assertThat(health.has("pool_ready")).isTrue();
    assertThat(health.has("workloads")).isTrue();
    assertThat(health.has("reason")).isFalse();
  }

  @Test
  void onlyGetOnTheTwoPaths() throws Exception {
    assertThat(send("POST", "/metrics").statusCode()).isEqualTo(405);
    assertThat(send("GET", "/metricsx").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/").statusCode()).isEqualTo(404);
  }

  @Test
  void deployTriggerAndHostServiceCallsMoveTheNumbers() throws Exception {
    String before = metrics();
    assertThat(before).contains("# TYPE nex_deploy_duration_seconds histogram",
        "# TYPE nex_function_triggers_total counter", "nex_control_plane_reconnects_total 0",
        "nex_internal_server_restarts_total 0", "nex_log_lines_dropped_total 0", "nex_pool_target_size 2");
    await().atMost(Duration.ofSeconds(10)).until(() -> sample(metrics(), "nex_pool_sandboxes{state=\"warm\"}") == 2);
    double accepted = orZero(sample(before, "nex_deploys_total{outcome=\"accepted\"}"));

    Path kv = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/functions/kv.js");
    DeployClient client = one.client();
    Envelope deployed = client.deploy("default", one.node().nodeId(), client.functionRequest("metricsfn", "javascript",
        client.upload("metricsfn", kv), DeployClient.sha256(kv), one.node().nodeId(), List.of("metrics.fn")));
    assertThat(deployed.error()).as(one.node().log()).isNull();
    Envelope refused = client.deploy("default", one.node().nodeId(), client.functionRequest("badtype", "cobol",
        client.upload("metricsfn", kv), DeployClient.sha256(kv), one.node().nodeId(), List.of("metrics.bad")));
    assertThat(refused.failed()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(one.connection().request("metrics.fn", ("run " + i).getBytes(StandardCharsets.UTF_8),
          Duration.ofSeconds(5))).isNotNull();
    }

    String after = metrics();
    assertThat(sample(after, "nex_deploys_total{outcome=\"accepted\"}")).isEqualTo(accepted + 1);
    assertThat(sample(after, "nex_deploys_total{outcome=\"refused\"}")).isGreaterThanOrEqualTo(1);
    assertThat(sample(after, "nex_deploy_duration_seconds_count{type=\"javascript\"}")).isEqualTo(1);
    assertThat(sample(after, "nex_deploy_duration_seconds_bucket{type=\"javascript\",le=\"+Inf\"}")).isEqualTo(1);
    assertThat(sample(after, "nex_deploy_duration_seconds_sum{type=\"javascript\"}")).isPositive();
    assertThat(sample(after, "nex_function_triggers_total{outcome=\"success\"}")).isEqualTo(3);
    assertThat(sample(after, "nex_function_trigger_duration_seconds_count{outcome=\"success\"}")).isEqualTo(3);
    for (Map.Entry<String, Double> call : Map.of("set", 3.0, "get", 3.0, "keys", 3.0).entrySet()) {
      // label names in the Prometheus client's (sorted) order
      assertThat(sample(after, "nex_host_service_calls_total{method=\"" + call.getKey()
          + "\",outcome=\"ok\",service=\"kv\"}")).as(call.getKey()).isEqualTo(call.getValue());
    }
    assertThat(sample(after, "nex_workloads{state=\"running\",type=\"javascript\"}")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> sample(metrics(), "nex_pool_sandboxes{state=\"warm\"}") == 2);

    JsonNode health = Json.mapper().readTree(send("GET", "/healthz").body());
    assertThat(health.get("workloads").asInt()).isEqualTo(1);
    assertThat(health.get("pool_ready").asInt()).isEqualTo(2);
  }

  private static double orZero(Double value) {
    return value == null ? 0 : value;
  }
}
