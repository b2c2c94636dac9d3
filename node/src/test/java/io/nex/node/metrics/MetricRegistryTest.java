package io.nex.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
  private final MetricRegistry registry = new MetricRegistry();

  @Test
  void unlabelledCounterShowsZeroThenItsValueWithHelpAndType() {
    Counter restarts = registry.counter("nex_restarts_total", "Restarts of the thing.");
    assertThat(registry.scrape()).isEqualTo("""
        # HELP nex_restarts_total Restarts of the thing.
        # TYPE nex_restarts_total counter
        nex_restarts_total 0
        """);
    restarts.inc();
    restarts.add(2.5);
    assertThat(registry.scrape()).endsWith("nex_restarts_total 3.5\n");
  }

  @Test
  void labelledCounterWritesEachLabelSetInAStableOrder() {
    Counter calls = registry.counter("calls_total", "Calls.", "service", "outcome");
    calls.inc("kv", "ok");
    calls.inc("http", "error");
    calls.inc("kv", "ok");
    assertThat(registry.scrape()).isEqualTo("""
        # HELP calls_total Calls.
        # TYPE calls_total counter
        calls_total{service="http",outcome="error"} 1
        calls_total{service="kv",outcome="ok"} 2
        """);
    assertThat(calls.value("kv", "ok")).isEqualTo(2);
    assertThat(calls.value("kv", "error")).isZero();
  }

  @Test
  void labelValuesAndHelpAreEscaped() {
    registry.counter("odd_total", "Line one\nback\\slash.", "v").inc("a\"quote\" back\\slash\nnewline");
    assertThat(registry.scrape()).isEqualTo("""
        # HELP odd_total Line one\\nback\\\\slash.
        # TYPE odd_total counter
        odd_total{v="a\\"quote\\" back\\\\slash\\nnewline"} 1
        """);
  }

  @Test
  void histogramBucketsAreCumulativeWithInfSumAndCount() {
    Histogram latency = registry.histogram("latency_seconds", "Latency.", new double[] {0.1, 0.5, 2}, "type");
    latency.observe(0.05, "jar");
    latency.observe(0.1, "jar");
    latency.observe(0.3, "jar");
    latency.observe(7, "jar");
    assertThat(registry.scrape()).isEqualTo("""
        # HELP latency_seconds Latency.
        # TYPE latency_seconds histogram
        latency_seconds_bucket{type="jar",le="0.1"} 2
        latency_seconds_bucket{type="jar",le="0.5"} 3
        latency_seconds_bucket{type="jar",le="2"} 3
        latency_seconds_bucket{type="jar",le="+Inf"} 4
        latency_seconds_sum{type="jar"} 7.45
        latency_seconds_count{type="jar"} 4
        """);
    assertThat(latency.count("jar")).isEqualTo(4);
  }

  @Test
  void unlabelledHistogramShowsEmptyBucketsBeforeTheFirstObservation() {
    registry.histogram("h_seconds", "H.", new double[] {1});
    assertThat(registry.scrape()).contains("h_seconds_bucket{le=\"1\"} 0\n", "h_seconds_bucket{le=\"+Inf\"} 0\n",
        "h_seconds_sum 0\n", "h_seconds_count 0\n");
  }

  @Test
  void gaugeIsReadAtScrapeTime() {
    Map<List<String>, Double> pool = new LinkedHashMap<>();
    registry.gauge("pool_sandboxes", "Sandboxes.", () -> pool, "state");
    pool.put(List.of("warm"), 2.0);
    assertThat(registry.scrape()).contains("pool_sandboxes{state=\"warm\"} 2\n");
    pool.put(List.of("warm"), 1.0);
    pool.put(List.of("starting"), 1.0);
    assertThat(registry.scrape()).endsWith("pool_sandboxes{state=\"starting\"} 1\npool_sandboxes{state=\"warm\"} 1\n");
  }

  @Test
  void specialNumbersUseTheFormatsSpelling() {
    assertThat(Exposition.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(Exposition.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(Exposition.number(Double.NaN)).isEqualTo("NaN");
    assertThat(Exposition.number(0.005)).isEqualTo("0.005");
    assertThat(Exposition.number(1e20)).isEqualTo("1.0E20");
  }

  @Test
  void concurrentIncrementsAreAllCounted() {
    Counter c = registry.counter("c_total", "C.", "k");
    Histogram h = registry.histogram("h_seconds", "H.", new double[] {1});
    IntStream.range(0, 10_000).parallel().forEach(i -> {
      c.inc(i % 2 == 0 ? "even" : "odd");
      h.observe(i % 3);
    });
    assertThat(c.value("even") + c.value("odd")).isEqualTo(10_000);
    assertThat(h.count()).isEqualTo(10_000);
    assertThat(registry.scrape()).contains("h_seconds_bucket{le=\"1\"} 6667\n");
  }

  @Test
  void badNamesLabelsAndValuesAreRefused() {
    assertThatThrownBy(() -> registry.counter("1bad", "x")).hasMessageContaining("not a metric name");
    assertThatThrownBy(() -> registry.counter("ok_total", "x", "__reserved")).hasMessageContaining("not a label name");
    assertThatThrownBy(() -> registry.histogram("h", "x", new double[] {1}, "le")).hasMessageContaining("not a label name");
    assertThatThrownBy(() -> registry.histogram("h2", "x", new double[] {2, 1})).hasMessageContaining("increasing");
    Counter c = registry.counter("c_total", "x", "a");
    assertThatThrownBy(() -> c.inc("1", "2")).hasMessageContaining("takes labels [a]");
    assertThatThrownBy(() -> c.add(-1, "1")).hasMessageContaining("cannot go down");
    assertThatThrownBy(() -> registry.counter("c_total", "again")).hasMessageContaining("already registered");
  }
}
