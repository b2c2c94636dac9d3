package io.nex.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values and label order are the Prometheus Java client's: {@code 1.0}, label names sorted
 * ({@code le} last), both of which every Prometheus parser reads as before.
 */
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
        "nex_host_service_calls_total{method=\"get\",outcome=\"ok\",service=\"kv\"} 1.0\n",
        "nex_host_service_calls_total{method=\"unknown\",outcome=\"refused\",service=\"kv\"} 2.0\n",
        "nex_host_service_calls_total{method=\"unknown\",outcome=\"refused\",service=\"unknown\"} 1.0\n",
        "nex_host_service_calls_total{method=\"get\",outcome=\"error\",service=\"http\"} 1.0\n",
        "nex_host_service_calls_total{method=\"publish\",outcome=\"refused\",service=\"messaging\"} 1.0\n")
        .doesNotContain("nosuchmethod", "made-up-service");
  }

  @Test
  void poolStatesAreWarmAndStartingWithZerosShown() {
    metrics.watchPool(3, () -> List.of("ready", "starting", "ready"));
    assertThat(metrics.scrape()).contains("nex_pool_target_size 3.0\n", "nex_pool_sandboxes{state=\"starting\"} 1.0\n",
        "nex_pool_sandboxes{state=\"warm\"} 2.0\n");
    NodeMetrics empty = new NodeMetrics();
    empty.watchPool(1, List::of);
    assertThat(empty.scrape()).contains("nex_pool_sandboxes{state=\"starting\"} 0.0\n", "nex_pool_sandboxes{state=\"warm\"} 0.0\n");
  }

  @Test
  void deploysAndTriggersLandInTheirSeries() {
    metrics.deployAccepted("native", 0.02);
    metrics.deployRefused();
    metrics.triggerFinished("default", "echo", true, 0.003);
    metrics.triggerFinished("default", "echo", false, 1.5);
    assertThat(metrics.scrape()).contains("nex_deploys_total{outcome=\"accepted\"} 1.0\n",
        "nex_deploys_total{outcome=\"refused\"} 1.0\n",
        "nex_deploy_duration_seconds_bucket{type=\"native\",le=\"0.025\"} 1\n",
        "nex_deploy_duration_seconds_bucket{type=\"native\",le=\"0.01\"} 0\n",
        "nex_function_triggers_total{outcome=\"failure\"} 1.0\n",
        "nex_function_trigger_duration_seconds_bucket{outcome=\"success\",le=\"0.005\"} 1\n",
        // per function: namespace and workload name
        "nex_function_calls_total{namespace=\"default\",outcome=\"failure\",workload=\"echo\"} 1.0\n",
        "nex_function_calls_total{namespace=\"default\",outcome=\"success\",workload=\"echo\"} 1.0\n",
        "nex_function_call_duration_seconds_bucket{namespace=\"default\",workload=\"echo\",le=\"1.0\"} 1\n",
        "nex_function_call_duration_seconds_count{namespace=\"default\",workload=\"echo\"} 2\n");
  }

  @Test
  void seriesOfAKnownLabelSpaceAreThereAtZeroBeforeTheFirstEvent() {
    assertThat(metrics.scrape()).contains("# TYPE nex_deploy_duration_seconds histogram",
        "nex_deploy_duration_seconds_count{type=\"javascript\"} 0\n", "nex_deploys_total{outcome=\"refused\"} 0.0\n",
        "# TYPE nex_function_triggers_total counter", "nex_function_triggers_total{outcome=\"success\"} 0.0\n");
  }
}
