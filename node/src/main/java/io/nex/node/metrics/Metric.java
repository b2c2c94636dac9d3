package io.nex.node.metrics;

import java.util.List;
import java.util.regex.Pattern;

/** One metric family: a name, its help text, its type and its label names. */
abstract sealed class Metric permits Counter, Gauge, Histogram {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final String name;
  private final String help;
  private final List<String> labelNames;

  Metric(String name, String help, List<String> labelNames) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: \"" + name + "\"");
    }
    for (String label : labelNames) {
      if (!LABEL.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
        throw new IllegalArgumentException("not a label name for " + name + ": \"" + label + "\"");
      }
    }
    this.name = name;
    this.help = help;
    this.labelNames = List.copyOf(labelNames);
  }

  String name() {
    return name;
  }

  List<String> labelNames() {
    return labelNames;
  }

  /** The label values of one sample, checked against the label names. */
  List<String> labelValues(String... values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(name + " takes labels " + labelNames + ", got " + values.length + " values");
    }
    return List.of(values);
  }

  abstract String type();

  /** Appends the {@code # HELP}, {@code # TYPE} and sample lines. */
  final void writeTo(StringBuilder out) {
    out.append("# HELP ").append(name).append(' ').append(Exposition.escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type()).append('\n');
    writeSamples(out);
  }

  abstract void writeSamples(StringBuilder out);
}
