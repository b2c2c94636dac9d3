package io.nex.agent.workload;

import io.nex.agent.function.CallTrace;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A function workload: runs it once per trigger, whichever way the triggers come
 * ({@link NatsTriggers}, {@link SocketTriggers}), and reports its output and run time, or the
 * error. Invocations are independent (each gets a fresh context or instance), so several run at
 * once; the caller only starts them, and the worker that finishes one reports it. At most
 * {@link #IN_FLIGHT} are started and unfinished (the runner bounds how many of those run at once,
 * and so the instances in memory); a further trigger waits in {@link #run} for a slot, which holds
 * the next triggers back in the socket or the dispatcher.
 */
final class FunctionHost {
  static final int IN_FLIGHT = 32;
  // a waiting caller is woken once half the slots are free, not at every one: under load that
  // spares a thread wake-up per trigger
  private static final int RESUME_AT = IN_FLIGHT / 2;
  private static final byte[] NO_OUTPUT = new byte[0];

  private final FunctionRunner runner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition roomy = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private int inFlight;

  FunctionHost(FunctionRunner runner) {
    this.runner = runner;
  }

  /** Where the outcome of one run goes: its output and run time, or (error non-null) why it failed. */
  interface Outcome {
    void report(byte[] output, long runtimeNanos, String error);
  }

  /**
   * Starts one run, once a slot is free; {@code outcome} is called exactly once, from a worker.
   * {@code trace} (null when the trigger is not traced) gets the run's span.
   */
  void run(String subject, byte[] payload, CallTrace trace, Outcome outcome) throws InterruptedException {
    takeSlot();
    long started = System.nanoTime();
    report(started, trace, traced(trace, () -> runner.start(subject, payload)), outcome);
  }

  /**
   * Runs one on the calling thread (one from {@link FunctionRunner#callerThread}), once a slot is
   * free; {@code outcome} is called exactly once, usually by this thread before it returns.
   */
  void runHere(String subject, byte[] payload, CallTrace trace, Outcome outcome) throws InterruptedException {
    takeSlot();
    long started = System.nanoTime();
    report(started, trace, traced(trace, () -> runner.runHere(subject, payload)), outcome);
  }

  private static CompletableFuture<byte[]> traced(CallTrace trace, CallTrace.Step<CompletableFuture<byte[]>, RuntimeException> start) {
    if (trace == null) {
      return start.run();
    }
    trace.functionStarted();
    return CallTrace.within(trace, start);
  }

  private void takeSlot() throws InterruptedException {
    lock.lock();
    try {
      while (inFlight >= IN_FLIGHT) {
        roomy.await();
      }
      inFlight++;
    } finally {
      lock.unlock();
    }
  }

  private void report(long started, CallTrace trace, CompletableFuture<byte[]> run, Outcome outcome) {
    run.whenComplete((output, failure) -> {
      try {
        if (trace != null) {
          trace.functionEnded(failure == null ? null : describe(failure));
        }
        if (failure == null) {
          outcome.report(output == null ? NO_OUTPUT : output, System.nanoTime() - started, null);
        } else {
          outcome.report(NO_OUTPUT, 0, describe(failure));
        }
      } finally {
        finished();
      }
    });
  }

  private void finished() {
    lock.lock();
    try {
      inFlight--;
      if (inFlight == RESUME_AT) {
        roomy.signalAll();
      }
      if (inFlight == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no run is in progress and every outcome has been reported. */
  void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (inFlight > 0) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof FunctionException ? cause.getMessage() : "function failed: " + cause;
  }

  void stop() {
    runner.close();
  }
}
