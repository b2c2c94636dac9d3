package io.nex.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private final NodeMetrics metrics = new NodeMetrics();

  @Test
  void hostServiceLabelsStayBoundedWhateverTheWorkloadSends() {
    metrics.hostServiceCall("kv", "get", 200);
    metrics.hostServiceCall("kv", "nosuchmethod-1", 404);
    metrics.hostServiceCall("kv", "nosuchmethod-2", 400);
    metrics.hostServiceCall("made-up-service", "x", 404);
    metrics.hostServiceCall("http", "get", 500);
    metrics.hostServiceCall("messaging", "publish", 403);
    assertThat(metrics.scrape()).contains(
        "nex_host_service_calls_total{service=\"kv\",method=\"get\",outcome=\"ok\"} 1\n",
        "nex_host_service_calls_total{service=\"kv\",method=\"unknown\",outcome=\"refused\"} 2\n",
        "nex_host_service_calls_total{service=\"unknown\",method=\"unknown\",outcome=\"refused\"} 1\n",
        "nex_host_service_calls_total{service=\"http\",method=\"get\",outcome=\"error\"} 1\n",
        "nex_host_service_calls_total{service=\"messaging\",method=\"publish\",outcome=\"refused\"} 1\n")
        .doesNotContain("nosuchmethod", "made-up-service");
  }

  @Test
  void poolStatesAreWarmAndStartingWithZerosShown() {
    metrics.watchPool(3, () -> List.of("ready", "starting", "ready"));
    assertThat(metrics.scrape()).contains("nex_pool_target_size 3\n", "nex_pool_sandboxes{state=\"starting\"} 1\n",
        "nex_pool_sandboxes{state=\"warm\"} 2\n");
    NodeMetrics empty = new NodeMetrics();
    empty.watchPool(1, List::of);
    assertThat(empty.scrape()).contains("nex_pool_sandboxes{state=\"starting\"} 0\n", "nex_pool_sandboxes{state=\"warm\"} 0\n");
  }

  @Test
  void deploysAndTriggersLandInTheirSeries() {
    metrics.deployAccepted("native", 0.02);
    metrics.deployRefused();
    metrics.triggerFinished(true, 0.003);
    metrics.triggerFinished(false, 1.5);
    assertThat(metrics.scrape()).contains("nex_deploys_total{outcome=\"accepted\"} 1\n",
        "nex_deploys_total{outcome=\"refused\"} 1\n",
        "nex_deploy_duration_seconds_bucket{type=\"native\",le=\"0.025\"} 1\n",
        "nex_deploy_duration_seconds_bucket{type=\"native\",le=\"0.01\"} 0\n",
        "nex_function_triggers_total{outcome=\"failure\"} 1\n",
        "nex_function_trigger_duration_seconds_bucket{outcome=\"success\",le=\"0.005\"} 1\n");
  }
}
