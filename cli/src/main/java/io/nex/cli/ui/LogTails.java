package io.nex.cli.ui;

import io.nex.api.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The last {@link #LINES} log lines of each workload, and the pages watching one: a click on a
 * workload shows its tail at once, then its lines as they come (SSE {@code log}).
 */
final class LogTails {
  static final int LINES = 200;
  private static final int MAX_WORKLOADS = 256;

  record LogView(String node, String workload, String id, int level, String text) {}

  private final Map<String, Deque<String>> tails = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Set<SseStream>> watchers = new HashMap<>();

  synchronized void add(LogView line) {
    String frame = SseStream.frame("log", Json.writeString(line));
    Deque<String> tail = tails.computeIfAbsent(line.id(), k -> new ArrayDeque<>());
    tail.addLast(frame);
    if (tail.size() > LINES) {
      tail.removeFirst();
    }
    if (tails.size() > MAX_WORKLOADS) {
      tails.remove(tails.keySet().iterator().next());
    }
    watchers.getOrDefault(line.id(), Set.of()).forEach(s -> s.send(frame));
  }

  synchronized void watch(String workloadId, SseStream stream) {
    Deque<String> tail = tails.get(workloadId);
    if (tail != null) {
      tail.forEach(stream::send);
    }
    watchers.computeIfAbsent(workloadId, k -> new HashSet<>()).add(stream);
  }

  synchronized void unwatch(String workloadId, SseStream stream) {
    Set<SseStream> set = watchers.get(workloadId);
    if (set != null) {
      set.remove(stream);
      if (set.isEmpty()) {
        watchers.remove(workloadId);
      }
    }
  }

  synchronized void closeAll() {
    watchers.values().forEach(set -> set.forEach(SseStream::close));
  }
}
