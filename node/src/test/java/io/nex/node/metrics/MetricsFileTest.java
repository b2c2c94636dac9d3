package io.nex.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFileTest {
  @TempDir Path dir;

  @Test
  void writesEveryMetricAsAJsonLineAndOnceMoreAtClose() throws Exception {
    NodeMetrics metrics = new NodeMetrics();
    metrics.watchPool(2, () -> List.of("ready"));
    metrics.deployAccepted("wasm", 0.02);
    metrics.triggerFinished("default", "echo", true, 0.003);
    Path file = dir.resolve("metrics.jsonl");
    MetricsFile written = MetricsFile.start(metrics, "NTEST", file, Duration.ofHours(1));
    written.close();

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode line = Json.mapper().readTree(lines.get(0));
    assertThat(line.path("node_id").asText()).isEqualTo("NTEST");
    JsonNode deploys = metric(line, "nex_deploys_total");
    assertThat(deploys.path("type").asText()).isEqualTo("counter");
    assertThat(sample(deploys, "outcome", "accepted").path("value").asDouble()).isEqualTo(1.0);
    assertThat(sample(deploys, "outcome", "refused").path("value").asDouble()).isZero();
    JsonNode latency = metric(line, "nex_function_call_duration_seconds").path("samples").get(0);
    assertThat(latency.path("labels").path("workload").asText()).isEqualTo("echo");
    assertThat(latency.path("count").asLong()).isEqualTo(1);
    assertThat(latency.path("buckets").path("0.005").asLong()).isEqualTo(1);
    assertThat(latency.path("buckets").path("+Inf").asLong()).isEqualTo(1);
    JsonNode deployBuckets = sample(metric(line, "nex_deploy_duration_seconds"), "type", "wasm").path("buckets");
    assertThat(deployBuckets.path("0.01").asLong()).isZero();
    assertThat(deployBuckets.path("0.025").asLong()).isEqualTo(1);
    assertThat(metric(line, "nex_pool_sandboxes").path("type").asText()).isEqualTo("gauge");
  }

  private static JsonNode sample(JsonNode metric, String label, String value) {
    for (JsonNode sample : metric.path("samples")) {
      if (sample.path("labels").path(label).asText().equals(value)) {
        return sample;
      }
    }
    throw new AssertionError(label + "=" + value + " missing from " + metric);
  }

  private static JsonNode metric(JsonNode line, String name) {
    for (JsonNode metric : line.path("metrics")) {
      if (metric.path("name").asText().equals(name)) {
        return metric;
      }
    }
    throw new AssertionError(name + " missing from " + line);
  }
}
