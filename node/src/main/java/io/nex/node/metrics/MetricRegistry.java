package io.nex.node.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node's metrics and their Prometheus text exposition. Small on purpose: counters,
 * histograms and gauges read at scrape time are all the node needs.
 */
public final class MetricRegistry {
  private final Map<String, Metric> metrics = new LinkedHashMap<>();

  public Counter counter(String name, String help, String... labelNames) {
    return register(new Counter(name, help, List.of(labelNames)));
  }

  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return register(new Histogram(name, help, List.of(labelNames), buckets));
  }

  /** A gauge whose samples (label values to value) are read at each scrape. */
  public Gauge gauge(String name, String help, Supplier<Map<List<String>, Double>> samples, String... labelNames) {
    return register(new Gauge(name, help, List.of(labelNames), samples));
  }

  private synchronized <M extends Metric> M register(M metric) {
    if (metrics.putIfAbsent(metric.name(), metric) != null) {
      throw new IllegalArgumentException("metric " + metric.name() + " is already registered");
    }
    return metric;
  }

  /** Every metric in the text format, in registration order. */
  public String scrape() {
    List<Metric> all;
    synchronized (this) {
      all = List.copyOf(metrics.values());
    }
    StringBuilder out = new StringBuilder();
    all.forEach(m -> m.writeTo(out));
    return out.toString();
  }

  public static String contentType() {
    return Exposition.CONTENT_TYPE;
  }
}
