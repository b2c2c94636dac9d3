package io.nex.node.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Observations counted into cumulative buckets ({@code le}), with their sum and count, per label set. */
public final class Histogram extends Metric {
  private final double[] bounds;
  private final Map<List<String>, Cells> cells = new ConcurrentHashMap<>();

  Histogram(String name, String help, List<String> labelNames, double... bounds) {
    super(name, help, labelNames);
    if (bounds.length == 0) {
      throw new IllegalArgumentException(name + " needs at least one bucket");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (Double.isNaN(bounds[i]) || Double.isInfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException(name + " buckets must be finite and increasing");
      }
    }
    this.bounds = bounds.clone();
    if (labelNames.isEmpty()) {
      cells.put(List.of(), new Cells(bounds.length));
    }
  }

  public void observe(double value, String... labelValues) {
    cells.computeIfAbsent(labelValues(labelValues), k -> new Cells(bounds.length)).add(bucketOf(value), value);
  }

  /** How many observations a label set has had. */
  public long count(String... labelValues) {
    Cells c = cells.get(labelValues(labelValues));
    return c == null ? 0 : c.snapshot().count;
  }

  private int bucketOf(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        return i;
      }
    }
    return bounds.length;
  }

  @Override
  String type() {
    return "histogram";
  }

  @Override
  void writeSamples(StringBuilder out) {
    List<String> bucketLabels = new ArrayList<>(labelNames());
    bucketLabels.add("le");
    Exposition.sorted(cells).forEach((labels, c) -> {
      Snapshot s = c.snapshot();
      long cumulative = 0;
      for (int i = 0; i <= bounds.length; i++) {
        cumulative += s.buckets[i];
        List<String> values = new ArrayList<>(labels);
        values.add(i < bounds.length ? Exposition.number(bounds[i]) : "+Inf");
        Exposition.sample(out, name() + "_bucket", bucketLabels, values, cumulative);
      }
      Exposition.sample(out, name() + "_sum", labelNames(), labels, s.sum);
      Exposition.sample(out, name() + "_count", labelNames(), labels, s.count);
    });
  }

  private record Snapshot(long[] buckets, double sum, long count) {}

  /** One label set's counts; a lock keeps buckets, sum and count consistent with each other. */
  private static final class Cells {
    private final long[] buckets;
    private double sum;
    private long count;

    Cells(int bounds) {
      buckets = new long[bounds + 1];
    }

    synchronized void add(int bucket, double value) {
      buckets[bucket]++;
      sum += value;
      count++;
    }

    synchronized Snapshot snapshot() {
      return new Snapshot(buckets.clone(), sum, count);
    }
  }
}
