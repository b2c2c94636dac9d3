package io.nex.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a list of samples. */
final class Stats {
  private final List<Double> sorted;

  Stats(List<Double> samples) {
    this.sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
  }

  double percentile(double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  double median() {
    return percentile(50);
  }

  double max() {
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
  }

  int count() {
    return sorted.size();
  }
}
