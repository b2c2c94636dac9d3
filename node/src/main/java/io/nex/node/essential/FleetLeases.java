package io.nex.node.essential;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nex.api.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is alive in the fleet: every node renews a lease ({@code NEX_NODES.{id}}) each second. A
 * node is taken for dead when its lease has not changed for {@link #DEAD_AFTER} by this node's
 * own clock, so clocks of different machines never need to agree.
 */
final class FleetLeases {
  static final Duration RENEW_EVERY = Duration.ofSeconds(1);
  static final Duration DEAD_AFTER = Duration.ofSeconds(4);

  /** A lease's value: enough for an owner to seal an essential workload's environment to this node. */
  record Lease(String nodeId, String xkey, boolean lameDuck) {}

  private record Seen(long revision, long sinceNanos) {}

  private final KeyValue bucket;
  private final long startedNanos = System.nanoTime();
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  FleetLeases(KeyValue bucket) {
    this.bucket = bucket;
  }

  void renew(Lease lease) throws IOException, JetStreamApiException {
    bucket.put(lease.nodeId(), Json.write(lease));
  }

  void withdraw(String nodeId) throws IOException, JetStreamApiException {
    bucket.delete(nodeId);
  }

  /**
   * The nodes alive now, by id. A node that has only just started cannot yet tell a dead peer from
   * a live one, so until it has watched for {@link #DEAD_AFTER} every lease counts as alive.
   */
  Map<String, Lease> alive() throws IOException, JetStreamApiException, InterruptedException {
    long now = System.nanoTime();
    Map<String, Lease> alive = new HashMap<>();
    Set<String> keys = Set.copyOf(bucket.keys());
    seen.keySet().retainAll(keys);
    for (String key : keys) {
      KeyValueEntry entry = bucket.get(key);
      if (entry == null || entry.getValue() == null) {
        continue;
      }
      Seen before = seen.get(key);
      if (before == null || before.revision() != entry.getRevision()) {
        seen.put(key, new Seen(entry.getRevision(), now));
      }
      long quietNanos = now - seen.get(key).sinceNanos();
      boolean watchedLongEnough = now - startedNanos >= DEAD_AFTER.toNanos();
      if (!watchedLongEnough || quietNanos < DEAD_AFTER.toNanos()) {
        try {
          alive.put(key, Json.read(entry.getValue(), Lease.class));
        } catch (Json.MalformedJsonException e) {
          // not a lease we can read: that node cannot take work from us anyway
        }
      }
    }
    return alive;
  }
}
