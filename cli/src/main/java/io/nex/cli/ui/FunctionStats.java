package io.nex.cli.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Call counts and latency per function, from {@code function_exec_*} events: totals since the
 * view started, and calls per second over the last {@link #WINDOW_SECONDS} for the chart.
 */
final class FunctionStats {
  static final int WINDOW_SECONDS = 300;
  /** Functions remembered at most; the one called least recently is forgotten first. */
  private static final int MAX_FUNCTIONS = 64;

  private final Map<String, Series> byId = new LinkedHashMap<>(16, 0.75f, true);

  /** The chart and the counters (SSE {@code functions}). */
  record View(long now, int windowSeconds, List<FunctionRow> functions) {}

  record FunctionRow(String id, String name, String node, long calls, long failures, double meanMs, double lastMs,
      int[] perSecond) {}

  private static final class Series {
    final String name;
    final String node;
    long calls;
    long failures;
    long totalNanos;
    long lastNanos;
    long lastSecond;
    final int[] counts = new int[WINDOW_SECONDS];
    final long[] stamps = new long[WINDOW_SECONDS];

    Series(String name, String node) {
      this.name = name;
      this.node = node;
    }
  }

  synchronized void record(String id, String name, String node, long elapsedNanos, boolean ok, long epochSecond) {
    Series s = byId.computeIfAbsent(id, k -> new Series(name, node));
    s.calls++;
    if (ok) {
      s.totalNanos += elapsedNanos;
      s.lastNanos = elapsedNanos;
    } else {
      s.failures++;
    }
    int slot = (int) Math.floorMod(epochSecond, WINDOW_SECONDS);
    if (s.stamps[slot] != epochSecond) {
      s.stamps[slot] = epochSecond;
      s.counts[slot] = 0;
    }
    s.counts[slot]++;
    s.lastSecond = epochSecond;
    if (byId.size() > MAX_FUNCTIONS) {
      String eldest = byId.keySet().iterator().next();
      byId.remove(eldest);
    }
  }

  synchronized View view(long nowSecond) {
    List<FunctionRow> rows = new ArrayList<>();
    byId.forEach((id, s) -> {
      int[] perSecond = new int[WINDOW_SECONDS];
      for (int i = 0; i < WINDOW_SECONDS; i++) {
        long second = nowSecond - (WINDOW_SECONDS - 1) + i;
        int slot = (int) Math.floorMod(second, WINDOW_SECONDS);
        perSecond[i] = s.stamps[slot] == second ? s.counts[slot] : 0;
      }
      long succeeded = s.calls - s.failures;
      rows.add(new FunctionRow(id, s.name, s.node, s.calls, s.failures,
          succeeded == 0 ? 0 : s.totalNanos / 1e6 / succeeded, s.lastNanos / 1e6, perSecond));
    });
    rows.sort(Comparator.comparing(FunctionRow::name, Comparator.nullsLast(Comparator.naturalOrder())));
    return new View(nowSecond, WINDOW_SECONDS, rows);
  }
}
