package io.nex.node.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A value read at scrape time from whoever owns it (the pool, the deployments), so it can never
 * drift from the truth: {@code samples} maps each label set to its value.
 */
public final class Gauge extends Metric {
  private final Supplier<Map<List<String>, Double>> samples;

  Gauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> samples) {
    super(name, help, labelNames);
    this.samples = samples;
  }

  @Override
  String type() {
    return "gauge";
  }

  @Override
  void writeSamples(StringBuilder out) {
    Exposition.sorted(samples.get()).forEach((labels, value) -> {
      if (labels.size() != labelNames().size()) {
        throw new IllegalStateException(name() + " sampled labels " + labels + " for label names " + labelNames());
      }
      Exposition.sample(out, name(), labelNames(), labels, value);
    });
  }
}
