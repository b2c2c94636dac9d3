package io.nex.agent.function;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The one keeper of every invocation's time limit. */
class DeadlinesTest {
  @Test
  void aDeadlineFiresOnTimeEvenWhenTheKeeperSleepsTowardsALaterOne() throws Exception {
    CountDownLatch late = new CountDownLatch(1);
    Deadlines.Armed far = Deadlines.arm(System.nanoTime() + TimeUnit.SECONDS.toNanos(30), late::countDown);
    CountDownLatch soon = new CountDownLatch(1);
    long armed = System.nanoTime();
    Deadlines.arm(armed + TimeUnit.MILLISECONDS.toNanos(100), soon::countDown);

    assertThat(soon.await(5, TimeUnit.SECONDS)).isTrue();
    long firedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - armed);
    assertThat(firedAfterMillis).isBetween(100L, 2000L);
    assertThat(late.getCount()).isEqualTo(1);
    far.disarm();
  }

  @Test
  void aDisarmedDeadlineNeverFires() throws Exception {
    AtomicBoolean fired = new AtomicBoolean();
    Deadlines.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), () -> fired.set(true)).disarm();
    CountDownLatch after = new CountDownLatch(1);
    Deadlines.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150), after::countDown);

    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).isFalse();
  }

  @Test
  void oneFailingActionDoesNotStopTheOthers() throws Exception {
    Deadlines.arm(System.nanoTime(), () -> {
      throw new IllegalStateException("broken stop");
    });
    CountDownLatch next = new CountDownLatch(1);
    Deadlines.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), next::countDown);

    assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
