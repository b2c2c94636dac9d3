package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.node.config.NodeConfig.TokenBucket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bucket's arithmetic, on a clock the test moves: sleeping advances it. */
class ThrottleTest {
  private long now = 1_000_000_000L;
  private long slept;

  private Throttle throttle(long burst, long refillMillis, long size) {
    return new Throttle(new TokenBucket(burst, refillMillis, size), () -> now, nanos -> {
      slept += nanos;
      now += nanos;
    });
  }

  @Test
  void aFullBucketPassesItsSizeAtOnceThenTheRefillRate() throws Exception {
    Throttle t = throttle(0, 1000, 1000);
    t.take(1000);
    assertThat(slept).isZero();
    t.take(500);
    assertThat(slept).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    t.take(2000);
    assertThat(slept).isEqualTo(TimeUnit.MILLISECONDS.toNanos(2500));
  }

  @Test
  void theOneTimeBurstIsSpentFirstAndNeverRefilled() throws Exception {
    Throttle t = throttle(3000, 1000, 1000);
    t.take(4000);
    assertThat(slept).isZero();
    now += TimeUnit.SECONDS.toNanos(60); // a long idle refills the size only
    t.take(1000);
    assertThat(slept).isZero();
    t.take(1000);
    assertThat(slept).isEqualTo(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void idleTimeRefillsUpToTheSizeAndNoMore() throws Exception {
    Throttle t = throttle(0, 100, 10);
    t.take(10);
    now += TimeUnit.MILLISECONDS.toNanos(50);
    t.take(5);
    assertThat(slept).isZero();
    now += TimeUnit.SECONDS.toNanos(10);
    t.take(20);
    assertThat(slept).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void theSustainedRateIsSizePerRefillTime() throws Exception {
    Throttle t = throttle(0, 250, 2 * 1024 * 1024); // 8 MiB/s
    long start = now;
    for (int i = 0; i < 512; i++) {
      t.take(32 * 1024);
    }
    // 16 MiB: 2 MiB from the full bucket, 14 MiB at 8 MiB/s
    assertThat(now - start).isCloseTo(TimeUnit.MILLISECONDS.toNanos(1750), org.assertj.core.data.Offset.offset(1_000_000L));
  }
}
