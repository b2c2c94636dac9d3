package io.nex.node.telemetry;

import io.nats.client.Connection;
import io.nex.api.Subjects;
import io.nex.api.events.CloudEvent;

/** Publishes CloudEvents on {@code $NEX.events.{ns}.{type}} with the node id as source. */
public final class EventPublisher {
  private final Connection connection;
  private final String nodeId;

  public EventPublisher(Connection connection, String nodeId) {
    this.connection = connection;
    this.nodeId = nodeId;
  }

  public void publish(String namespace, String type, Object data) {
    connection.publish(Subjects.event(namespace, type), CloudEvent.encode(nodeId, namespace, type, data));
  }

  public void publishSystem(String type, Object data) {
    publish(Subjects.SYSTEM_NAMESPACE, type, data);
  }
}
