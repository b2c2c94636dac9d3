package io.nex.node.controlplane;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;

/** Opens a JetStream key-value bucket, creating it with {@code config} the first time. */
public final class KeyValueBuckets {
  private KeyValueBuckets() {}

  public static KeyValue open(Connection connection, KeyValueConfiguration config)
      throws IOException, JetStreamApiException {
    var management = connection.keyValueManagement();
    if (!management.getBucketNames().contains(config.getBucketName())) {
      try {
        management.create(config);
      } catch (JetStreamApiException e) {
        // another node created it between our look and our create: that one is as good
        if (!management.getBucketNames().contains(config.getBucketName())) {
          throw e;
        }
      }
    }
    return connection.keyValue(config.getBucketName());
  }
}
