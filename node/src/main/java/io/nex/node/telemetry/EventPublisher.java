package io.nex.node.telemetry;

import io.nex.api.Subjects;

/** Publishes CloudEvents on {@code $NEX.events.{ns}.{type}} with the node id as source. */
public interface EventPublisher {
  void publish(String namespace, String type, Object data);

  default void publishSystem(String type, Object data) {
    publish(Subjects.SYSTEM_NAMESPACE, type, data);
  }
}
