package io.nex.node.telemetry;

import io.nats.client.Connection;
import io.nex.api.Subjects;
import io.nex.api.events.CloudEvent;

/** Events on the control plane. */
public final class NatsEventPublisher implements EventPublisher {
  private final Connection connection;
  private final String nodeId;

  public NatsEventPublisher(Connection connection, String nodeId) {
    this.connection = connection;
    this.nodeId = nodeId;
  }

  @Override
  public void publish(String namespace, String type, Object data) {
    connection.publish(Subjects.event(namespace, type), CloudEvent.encode(nodeId, namespace, type, data));
  }
}
