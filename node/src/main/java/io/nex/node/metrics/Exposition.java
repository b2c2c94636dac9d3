package io.nex.node.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The Prometheus text format (version 0.0.4): escaping and number formatting. */
final class Exposition {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Label sets in a stable order, so that scrapes are easy to compare. */
  private static final Comparator<List<String>> LABEL_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  private Exposition() {}

  static <V> SortedMap<List<String>, V> sorted(Map<List<String>, V> samples) {
    SortedMap<List<String>, V> sorted = new TreeMap<>(LABEL_ORDER);
    sorted.putAll(samples);
    return sorted;
  }

  /** HELP text escapes backslash and newline. */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Label values also escape the double quote. */
  static String escapeLabelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** {@code name{a="x",b="y"} value}, the label set left out when empty. */
  static void sample(StringBuilder out, String name, List<String> labelNames, List<String> labelValues, double value) {
    out.append(name);
    if (!labelNames.isEmpty()) {
      out.append('{');
      for (int i = 0; i < labelNames.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labelNames.get(i)).append("=\"").append(escapeLabelValue(labelValues.get(i))).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
