package io.nex.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nex.api.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records everything published under {@code $NEX.>} (requests, replies excluded): events, logs, deploys. */
final class EventRecorder implements AutoCloseable {
  record Recorded(String subject, String body) {}

  private final Connection nc;
  private final Dispatcher dispatcher;
  private final List<Recorded> messages = new CopyOnWriteArrayList<>();

  EventRecorder(Connection nc) throws Exception {
    this.nc = nc;
    this.dispatcher = nc.createDispatcher(msg -> messages.add(
        new Recorded(msg.getSubject(), new String(msg.getData(), StandardCharsets.UTF_8))));
    dispatcher.subscribe("$NEX.>");
    nc.flush(Duration.ofSeconds(2));
  }

  List<Recorded> all() {
    return List.copyOf(messages);
  }

  List<Recorded> on(String subjectPrefix) {
    return messages.stream().filter(m -> m.subject().startsWith(subjectPrefix)).toList();
  }

  boolean any(String subjectPrefix, String bodyContains) {
    return on(subjectPrefix).stream().anyMatch(m -> m.body().contains(bodyContains));
  }

  /** Parsed CloudEvents of {@code type}, in any namespace, oldest first. */
  List<JsonNode> ofType(String type) {
    return messages.stream()
        .filter(m -> m.subject().startsWith("$NEX.events.") && m.subject().endsWith("." + type))
        .map(m -> {
          try {
            return Json.mapper().readTree(m.body());
          } catch (java.io.IOException e) {
            throw new AssertionError("unreadable event on " + m.subject() + ": " + m.body());
          }
        })
        .toList();
  }

  @Override
  public void close() {
    nc.closeDispatcher(dispatcher);
  }
}
