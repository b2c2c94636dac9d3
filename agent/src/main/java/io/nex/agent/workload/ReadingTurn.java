package io.nex.agent.workload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Which thread reads a trigger socket: the holder of the turn, which runs the short calls it
 * reads on the spot ({@link SocketTriggers}). A standby thread watches the holder's call; a call
 * still running after {@link #HAND_OVER_NANOS} (a function turned slow, or stuck) loses the turn
 * to the standby, which reads on, so that its neighbours' triggers do not wait behind it, and
 * starts the next standby. The standby looks again every {@code HAND_OVER_NANOS} while calls come,
 * and sleeps for good after a second without one, so an idle socket costs no wake-ups and a busy
 * one a hundred a second, not one per call.
 */
final class ReadingTurn {
  static final long HAND_OVER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long READING = 0;
  private static final long ENDED = -1;

  /** The number of the call the holder runs, or READING, or ENDED. */
  private final AtomicLong state = new AtomicLong(READING);
  private final AtomicLong calls = new AtomicLong();
  private final Runnable startStandby;
  private final long handOverNanos;
  private volatile long callStarted;
  private volatile FunctionHost callTarget;
  private volatile Thread holder;
  private volatile Thread standby;
  private volatile boolean standbyAsleep;

  /**
   * @param startStandby starts a thread that calls {@link #awaitTurn}, then reads while it holds the turn
   * @param handOverNanos how long a call may hold the turn: {@link #HAND_OVER_NANOS} but in tests
   */
  ReadingTurn(Runnable startStandby, long handOverNanos) {
    this.startStandby = startStandby;
    this.handOverNanos = handOverNanos;
  }

  /** The first reader takes the turn without waiting. */
  void take() {
    holder = Thread.currentThread();
  }

  /** Whether the calling thread holds the turn, and so will write what it has queued before it reads again. */
  boolean held() {
    return holder == Thread.currentThread();
  }

  /**
   * The holder is about to run a call of {@code target} itself: returns the call's number for
   * {@link #end}, or 0 if reading has {@link #close ended}.
   */
  long begin(FunctionHost target) {
    long call = calls.incrementAndGet();
    callTarget = target;
    callStarted = System.nanoTime();
    if (!state.compareAndSet(READING, call)) {
      return 0;
    }
    if (standbyAsleep) {
      LockSupport.unpark(standby);
    }
    return call;
  }

  /** The holder's call has ended: true if it still holds the turn, false if the standby took it meanwhile. */
  boolean end(long call) {
    return state.compareAndSet(call, READING);
  }

  /** Whether the turn was taken from the holder while it ran call {@code call}, which has not ended yet. */
  boolean lost(long call) {
    return state.get() != call;
  }

  /**
   * Stands by: returns true once this thread has taken the turn from a holder whose call ran too
   * long (a new standby has been started then), false when reading has {@link #close ended}.
   */
  boolean awaitTurn() {
    standby = Thread.currentThread();
    long lastCallSeen = System.nanoTime();
    while (true) {
      long call = state.get();
      if (call == ENDED) {
        return false;
      }
      long now = System.nanoTime();
      if (call == READING) {
        if (now - lastCallSeen < LINGER_NANOS) {
          LockSupport.parkNanos(this, handOverNanos);
        } else {
          sleepUntilCall();
          lastCallSeen = System.nanoTime();
        }
        continue;
      }
      lastCallSeen = now;
      long left = callStarted + handOverNanos - now;
      if (left > 0) {
        LockSupport.parkNanos(this, left);
        continue;
      }
      FunctionHost slow = callTarget; // set before the call's number, so never null here
      if (state.compareAndSet(call, READING)) {
        slow.ranLong();
        holder = Thread.currentThread();
        startStandby.run();
        return true;
      }
    }
  }

  private void sleepUntilCall() {
    standbyAsleep = true;
    // a call begun before the flag was set is seen here; one begun after it wakes this thread
    if (state.get() == READING) {
      LockSupport.park(this);
    }
    standbyAsleep = false;
  }

  /** No more reading: the standby returns, and a holder still in a call gives up the turn after it. */
  void close() {
    state.set(ENDED);
    Thread waiting = standby;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }
}
