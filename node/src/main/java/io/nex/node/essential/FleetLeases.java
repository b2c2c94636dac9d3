package io.nex.node.essential;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nex.api.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Who is alive in the fleet: every node renews a lease ({@code NEX_NODES.{id}}) each second. A
 * node is taken for dead when its lease has not changed for {@link #DEAD_AFTER} by this node's
 * own clock, so clocks of different machines never need to agree. Leases are read from a watch
 * of the bucket, not by polling it.
 */
final class FleetLeases implements AutoCloseable {
  static final Duration RENEW_EVERY = Duration.ofSeconds(1);
  static final Duration DEAD_AFTER = Duration.ofSeconds(4);

  /** A lease's value: enough for an owner to seal an essential workload's environment to this node. */
  record Lease(String nodeId, String xkey, boolean lameDuck) {}

  private final KeyValue bucket;
  private final BucketWatch watch;
  private final long startedNanos = System.nanoTime();

  FleetLeases(KeyValue bucket) throws IOException, JetStreamApiException, InterruptedException {
    this.bucket = bucket;
    this.watch = BucketWatch.start(bucket);
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
  Map<String, Lease> alive() {
    long now = System.nanoTime();
    boolean watchedLongEnough = now - startedNanos >= DEAD_AFTER.toNanos();
    Map<String, Lease> alive = new HashMap<>();
    watch.entries().forEach((key, seen) -> {
      if (!watchedLongEnough || now - seen.sinceNanos() < DEAD_AFTER.toNanos()) {
        try {
          alive.put(key, Json.read(seen.value(), Lease.class));
        } catch (Json.MalformedJsonException e) {
          // not a lease we can read: that node cannot take work from us anyway
        }
      }
    });
    return alive;
  }

  @Override
  public void close() {
    watch.close();
  }
}
