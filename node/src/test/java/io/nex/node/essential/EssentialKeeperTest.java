package io.nex.node.essential;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EssentialKeeperTest {
  @Test
  void backoffDoublesFromHalfASecondAndStopsAtThirtySeconds() {
    assertThat(EssentialKeeper.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(EssentialKeeper.backoff(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(EssentialKeeper.backoff(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(EssentialKeeper.backoff(7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(EssentialKeeper.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
  }
}
