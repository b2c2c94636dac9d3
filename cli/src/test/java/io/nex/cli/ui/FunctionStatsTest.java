package io.nex.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FunctionStatsTest {
  private static final long T = 1_800_000_000L;

  @Test
  void countsCallsPerSecondWithinTheWindowAndTheMeanOfSuccessfulOnes() {
    FunctionStats stats = new FunctionStats();
    stats.record("f1", "echo", "N1", 2_000_000, true, T);
    stats.record("f1", "echo", "N1", 4_000_000, true, T);
    stats.record("f1", "echo", "N1", 0, false, T + 2);

    FunctionStats.FunctionRow row = stats.view(T + 2).functions().get(0);
    assertThat(row.calls()).isEqualTo(3);
    assertThat(row.failures()).isEqualTo(1);
    assertThat(row.meanMs()).isEqualTo(3.0);
    assertThat(row.lastMs()).isEqualTo(4.0);
    int last = FunctionStats.WINDOW_SECONDS - 1;
    assertThat(row.perSecond()[last]).isEqualTo(1);
    assertThat(row.perSecond()[last - 1]).isZero();
    assertThat(row.perSecond()[last - 2]).isEqualTo(2);
  }

  @Test
  void aSecondOlderThanTheWindowIsNotCountedAgainWhenItsSlotComesRound() {
    FunctionStats stats = new FunctionStats();
    stats.record("f1", "echo", "N1", 1, true, T);
    long later = T + FunctionStats.WINDOW_SECONDS; // same slot, one window on
    assertThat(stats.view(later).functions().get(0).perSecond()).containsOnly(0);
    stats.record("f1", "echo", "N1", 1, true, later);
    int[] perSecond = stats.view(later).functions().get(0).perSecond();
    assertThat(perSecond[FunctionStats.WINDOW_SECONDS - 1]).isEqualTo(1);
    assertThat(java.util.Arrays.stream(perSecond).sum()).isEqualTo(1);
  }
}
