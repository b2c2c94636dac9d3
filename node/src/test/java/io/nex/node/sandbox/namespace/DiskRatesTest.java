package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.node.config.NodeConfig.RateLimiters;
import io.nex.node.config.NodeConfig.TokenBucket;
import org.junit.jupiter.api.Test;

/** rate_limiters as a disk's cgroup limits: Firecracker buckets become steady per-second rates. */
class DiskRatesTest {
  @Test
  void bothBucketsGiveAnIoMaxLineForReadsAndWrites() {
    DiskRates rates = DiskRates.of("7:3", new RateLimiters(new TokenBucket(1048576, 500, 1048576),
        new TokenBucket(100, 1000, 100))).orElseThrow();
    assertThat(rates.bytesPerSecond()).isEqualTo(2097152);
    assertThat(rates.opsPerSecond()).isEqualTo(100);
    assertThat(rates.ioMax()).isEqualTo("7:3 rbps=2097152 wbps=2097152 riops=100 wiops=100");
  }

  @Test
  void onlyTheBucketsThatAreSetLimit() {
    assertThat(DiskRates.of("7:0", new RateLimiters(null, new TokenBucket(0, 250, 10))).orElseThrow().ioMax())
        .isEqualTo("7:0 riops=40 wiops=40");
    assertThat(DiskRates.of("7:0", RateLimiters.NONE)).isEmpty();
  }
}
