package io.nex.cli.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.events.CloudEvent;
import io.nex.api.events.EventTypes;
import io.nex.api.events.LogLine;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.watch.EventsCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Follows the namespace's events and logs, as {@code nex monitor} does, and hands each to what the
 * page shows: the events table (in batches, so a busy function costs the browser a few frames a
 * second, not one per call), the function counters, the log tails, and the fleet watch, which
 * refreshes when a node or workload comes or goes.
 */
final class EventFeed {
  private static final Set<String> LIFECYCLE = Set.of(EventTypes.NODE_STARTED, EventTypes.NODE_ENTERED_LAMEDUCK,
      EventTypes.AGENT_STARTED, EventTypes.WORKLOAD_DEPLOYED, EventTypes.WORKLOAD_UNDEPLOYED);

  private final String namespace;
  private final Hub hub;
  private final FleetWatch fleet;
  private final FunctionStats functions;
  private final LogTails logs;
  private List<EventView> pending = new ArrayList<>();

  EventFeed(String namespace, Hub hub, FleetWatch fleet, FunctionStats functions, LogTails logs) {
    this.namespace = namespace;
    this.hub = hub;
    this.fleet = fleet;
    this.functions = functions;
    this.logs = logs;
  }

  /** Subscribes once; jnats carries the subscriptions over reconnects. */
  void follow(ControlPlaneClient client) {
    Dispatcher dispatcher = client.connection().createDispatcher(this::onMessage);
    EventsCommand.subjects(namespace).forEach(dispatcher::subscribe);
    dispatcher.subscribe(Subjects.logs(namespace, "*", "*", "*"));
  }

  /** Sends the events gathered since the last flush to the pages. */
  void flush() {
    List<EventView> batch;
    synchronized (this) {
      batch = pending;
      pending = new ArrayList<>();
    }
    hub.events(batch);
  }

  private void onMessage(Message msg) {
    if (msg.getSubject().startsWith(Subjects.PREFIX + ".logs.")) {
      onLog(msg);
      return;
    }
    CloudEvent event;
    try {
      event = Json.read(msg.getData(), CloudEvent.class);
    } catch (Json.MalformedJsonException e) {
      return;
    }
    JsonNode data = event.data();
    String workload = text(data, "workload_name");
    if (workload == null) {
      workload = text(data, "name");
    }
    synchronized (this) {
      pending.add(new EventView(event.id(), event.type(), event.time(), event.source(), event.namespace(), workload,
          data));
    }
    String type = event.type() == null ? "" : event.type();
    if (type.equals(EventTypes.FUNCTION_EXEC_SUCCEEDED) || type.equals(EventTypes.FUNCTION_EXEC_FAILED)) {
      JsonNode elapsed = data == null ? null : data.get("elapsed_nanos");
      functions.record(text(data, "id"), workload, event.source(), elapsed == null ? 0 : elapsed.asLong(),
          type.equals(EventTypes.FUNCTION_EXEC_SUCCEEDED), Instant.now().getEpochSecond());
    } else if (type.equals(EventTypes.NODE_STOPPED)) {
      fleet.stopped(event.source());
    } else if (LIFECYCLE.contains(type)) {
      fleet.soon();
    }
  }

  private void onLog(Message msg) {
    String[] tokens = msg.getSubject().split("\\.");
    if (tokens.length < 6) {
      return;
    }
    try {
      LogLine line = Json.read(msg.getData(), LogLine.class);
      logs.add(new LogTails.LogView(tokens[3], tokens[4], tokens[5], line.level(), line.text()));
    } catch (Json.MalformedJsonException ignored) {
      // a line we cannot read is not shown
    }
  }

  private static String text(JsonNode data, String field) {
    JsonNode value = data == null ? null : data.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
