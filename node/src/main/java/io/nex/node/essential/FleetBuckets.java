package io.nex.node.essential;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;

/**
 * Opens (creating if needed) a KV bucket the fleet shares: on the control plane's JetStream in
 * the node, absent in unit tests that keep essential workloads on one node.
 */
@FunctionalInterface
public interface FleetBuckets {
  KeyValue open(KeyValueConfiguration config) throws IOException, JetStreamApiException;
}
