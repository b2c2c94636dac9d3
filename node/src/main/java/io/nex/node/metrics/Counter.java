package io.nex.node.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** A value that only goes up, one per label set. An unlabelled counter shows 0 before its first increment. */
public final class Counter extends Metric {
  private final Map<List<String>, DoubleAdder> values = new ConcurrentHashMap<>();

  Counter(String name, String help, List<String> labelNames) {
    super(name, help, labelNames);
    if (labelNames.isEmpty()) {
      values.put(List.of(), new DoubleAdder());
    }
  }

  public void inc(String... labelValues) {
    add(1, labelValues);
  }

  public void add(double amount, String... labelValues) {
    if (amount < 0 || Double.isNaN(amount)) {
      throw new IllegalArgumentException(name() + " cannot go down (" + amount + ")");
    }
    values.computeIfAbsent(labelValues(labelValues), k -> new DoubleAdder()).add(amount);
  }

  /** The current value for a label set (0 if never incremented). */
  public double value(String... labelValues) {
    DoubleAdder adder = values.get(labelValues(labelValues));
    return adder == null ? 0 : adder.sum();
  }

  @Override
  String type() {
    return "counter";
  }

  @Override
  void writeSamples(StringBuilder out) {
    Exposition.sorted(values).forEach((labels, value) -> Exposition.sample(out, name(), labelNames(), labels, value.sum()));
  }
}
