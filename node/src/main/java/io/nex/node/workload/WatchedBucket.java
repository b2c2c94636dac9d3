package io.nex.node.workload;

import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an object store bucket holds, by name, kept by one watch of its metadata (one ordered
 * consumer): the node learns of a put or a delete as the server delivers it, so confirming that
 * a location still holds an artifact costs no round trip. The watch cannot tell that the whole
 * bucket was deleted (its consumer just goes quiet), so its word counts only for
 * {@link #TRUSTED_FOR} after the bucket was last looked up for real.
 */
final class WatchedBucket implements ObjectStoreWatcher, AutoCloseable {
  static final Duration TRUSTED_FOR = Duration.ofSeconds(10);

  private final Map<String, ObjectInfo> latest = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;
  private volatile long lookedUpNanos;
  private NatsObjectStoreWatchSubscription subscription;

  private WatchedBucket() {}

  /** Starts watching (one request to the server); the bucket counts as looked up now. */
  static WatchedBucket start(ObjectStore store) throws IOException, JetStreamApiException, InterruptedException {
    WatchedBucket bucket = new WatchedBucket();
    bucket.lookedUp();
    bucket.subscription = store.watch(bucket);
    return bucket;
  }

  @Override
  public void watch(ObjectInfo info) {
    latest.put(info.getObjectName(), info);
  }

  @Override
  public void endOfData() {
    caughtUp = true;
  }

  /** A real lookup of this bucket just succeeded. */
  void lookedUp() {
    lookedUpNanos = System.nanoTime();
  }

  /**
   * The latest word of {@code name}, or null when the watch cannot vouch for anything: it has not
   * caught up, heard nothing of that name, or the bucket was not looked up for real lately.
   */
  ObjectInfo latest(String name) {
    if (!caughtUp || System.nanoTime() - lookedUpNanos > TRUSTED_FOR.toNanos()) {
      return null;
    }
    return latest.get(name);
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.unsubscribe();
    }
  }
}
