package io.nex.node.sandbox.namespace;

import io.nex.node.config.NodeConfig.TokenBucket;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket as Firecracker's rate limiter defines it (and so Nex's {@code rate_limiters}):
 * {@code size} tokens refilled over {@code refill_time} ms, starting full, plus
 * {@code one_time_burst} tokens that are spent first and never refilled. Shared by all of a
 * sandbox's bridged connections, so opening more connections buys no more bandwidth. A taker that
 * overdraws waits, outside the lock, until the refill has paid its debt; takers queue behind it.
 */
final class Throttle {
  /** How a taker waits; tests pass one that only counts. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final double size;
  private final double tokensPerNano;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private double tokens;
  private long lastRefill;

  Throttle(TokenBucket bucket, LongSupplier clock, Sleeper sleeper) {
    this.size = bucket.size();
    this.tokensPerNano = (double) bucket.size() / TimeUnit.MILLISECONDS.toNanos(bucket.refillTime());
    this.clock = clock;
    this.sleeper = sleeper;
    this.tokens = bucket.size() + (double) bucket.oneTimeBurst();
    this.lastRefill = clock.getAsLong();
  }

  static Throttle of(TokenBucket bucket) {
    return new Throttle(bucket, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  /** Takes {@code count} tokens, waiting as long as the bucket needs to refill them. */
  void take(long count) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = clock.getAsLong();
      if (tokens < size) {
        tokens = Math.min(size, tokens + (now - lastRefill) * tokensPerNano);
      }
      lastRefill = now;
      tokens -= count;
      wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
    }
    if (wait > 0) {
      sleeper.sleep(wait);
    }
  }
}
