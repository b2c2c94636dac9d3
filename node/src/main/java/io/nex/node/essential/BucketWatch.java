package io.nex.node.essential;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A live copy of a key-value bucket, kept by one watch (one consumer) instead of listing and
 * reading the bucket over and over: each entry with its revision and when this node saw that
 * revision arrive.
 */
final class BucketWatch implements KeyValueWatcher, AutoCloseable {
  /** The latest value of a key, its revision, and {@link System#nanoTime()} when it arrived here. */
  record Seen(byte[] value, long revision, long sinceNanos) {}

  private final Map<String, Seen> entries = new ConcurrentHashMap<>();
  private NatsKeyValueWatchSubscription subscription;

  private BucketWatch() {}

  static BucketWatch start(KeyValue bucket) throws IOException, JetStreamApiException, InterruptedException {
    BucketWatch watch = new BucketWatch();
    watch.subscription = bucket.watchAll(watch);
    return watch;
  }

  @Override
  public void watch(KeyValueEntry entry) {
    if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
      entries.put(entry.getKey(), new Seen(entry.getValue(), entry.getRevision(), System.nanoTime()));
    } else {
      entries.remove(entry.getKey());
    }
  }

  @Override
  public void endOfData() {
    // the initial values are in; later changes keep arriving through watch()
  }

  Map<String, Seen> entries() {
    return Map.copyOf(entries);
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.unsubscribe();
    }
  }
}
