package io.nex.agent.function;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The time limits of every invocation in the agent, kept by one thread that sleeps until the
 * earliest. Arming one wakes that thread only when it would otherwise sleep past the new limit,
 * and disarming one only forgets it: with every invocation of a function given the same time
 * limit, a steady stream of calls wakes the keeper about once a second, where a timer scheduled
 * and cancelled per call (a scheduled executor) cost a thread wake-up each.
 */
final class Deadlines {
  // an idle keeper still looks in this often, so that a call starting wakes it only after a lull
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Set<Armed> ARMED = ConcurrentHashMap.newKeySet();
  // when the keeper wakes next; Long.MAX_VALUE while it looks through ARMED, or sleeps for good
  private static volatile long wakeAt = Long.MAX_VALUE;
  private static final Thread KEEPER = keeper();

  private Deadlines() {}

  /** A time limit that has not passed yet. */
  static final class Armed {
    private final long deadlineNanos;
    private final Runnable onDeadline;

    private Armed(long deadlineNanos, Runnable onDeadline) {
      this.deadlineNanos = deadlineNanos;
      this.onDeadline = onDeadline;
    }

    /** The invocation ended in time: nothing happens at its deadline. */
    void disarm() {
      ARMED.remove(this);
    }
  }

  /** Runs {@code onDeadline} on the keeper's thread at {@code deadlineNanos} (System.nanoTime) unless disarmed first. */
  static Armed arm(long deadlineNanos, Runnable onDeadline) {
    Armed armed = new Armed(deadlineNanos, onDeadline);
    ARMED.add(armed);
    if (deadlineNanos - wakeAt < 0) {
      LockSupport.unpark(KEEPER);
    }
    return armed;
  }

  private static void keep() {
    boolean wasIdle = false;
    while (true) {
      wakeAt = Long.MAX_VALUE; // one armed meanwhile wakes the keeper again at once: the scan may miss it
      long now = System.nanoTime();
      long next = now + IDLE_NANOS;
      boolean idle = true;
      for (Armed armed : ARMED) {
        if (armed.deadlineNanos - now <= 0) {
          if (ARMED.remove(armed)) {
            run(armed.onDeadline);
          }
        } else {
          idle = false;
          next = armed.deadlineNanos - next < 0 ? armed.deadlineNanos : next;
        }
      }
      if (idle && wasIdle) {
        LockSupport.park();
      } else {
        wakeAt = next;
        LockSupport.parkNanos(next - now);
      }
      wasIdle = idle;
    }
  }

  private static void run(Runnable onDeadline) {
    try {
      onDeadline.run();
    } catch (RuntimeException e) {
      // one invocation failing to stop must not end the keeper, and with it every other limit
    }
  }

  private static Thread keeper() {
    Thread thread = new Thread(Deadlines::keep, "function-deadlines");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
