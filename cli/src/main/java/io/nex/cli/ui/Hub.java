package io.nex.cli.ui;

import io.nex.api.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans what the watchers learn out to every open page. States ({@code link}, {@code fleet},
 * {@code functions}) are replaced whole and replayed to a page that connects; events are appended,
 * and the last {@link #RECENT} replayed, so a new page starts where the others are.
 */
final class Hub {
  static final int RECENT = 300;

  private final Map<String, String> states = new LinkedHashMap<>();
  private final Deque<EventView> recent = new ArrayDeque<>();
  private final Set<SseStream> streams = new CopyOnWriteArraySet<>();

  synchronized void state(String name, Object value) {
    String frame = SseStream.frame(name, Json.writeString(value));
    if (frame.equals(states.put(name, frame))) {
      return; // nothing changed: the pages need not redraw
    }
    streams.forEach(s -> s.send(frame));
  }

  synchronized void events(List<EventView> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<EventView> last = batch.size() > RECENT ? batch.subList(batch.size() - RECENT, batch.size()) : batch;
    for (EventView event : last) {
      recent.addLast(event);
      if (recent.size() > RECENT) {
        recent.removeFirst();
      }
    }
    String frame = SseStream.frame("events", Json.writeString(last));
    streams.forEach(s -> s.send(frame));
  }

  synchronized void attach(SseStream stream) {
    states.values().forEach(stream::send);
    if (!recent.isEmpty()) {
      stream.send(SseStream.frame("events", Json.writeString(List.copyOf(recent))));
    }
    streams.add(stream);
  }

  void detach(SseStream stream) {
    streams.remove(stream);
  }

  void closeAll() {
    streams.forEach(SseStream::close);
  }
}
