package io.nex.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UptimeTest {
  @ParameterizedTest
  @CsvSource({
      "0, 0s",
      "8, 8s",
      "615, 10m15s",
      "3600, 1h0m0s",
      "11045, 3h4m5s",
      "187445, 2d4h4m5s",
      "31719845, 1y2d3h4m5s"
  })
  void formatsLikeNatsServer(long seconds, String expected) {
    assertThat(Uptime.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }
}
