package io.nex.agent.workload;

import io.nex.agent.function.CallTrace;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionRunner;
import io.nex.agent.function.HostWaits;
import java.util.ArrayDeque;
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
 * and so the instances in memory); further triggers wait in this function's own queue, up to
 * {@link #WAITING}, and are started as runs finish. Starting never blocks the caller: a function
 * host's one socket reader serves every function in it, and a function that is slow or stuck
 * must not hold back its neighbours' triggers.
 */
final class FunctionHost {
  static final int IN_FLIGHT = 32;
  static final int WAITING = 1024;
  private static final long WORKERS_NANOS = 1_000_000_000;
  private static final byte[] NO_OUTPUT = new byte[0];
  private static final String UNDEPLOYED = "function is undeployed";

  private final FunctionRunner runner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean stopped;
  /** Until when (System.nanoTime) this function's calls go to workers: one of its runs was long, or waited. */
  private volatile long workersUntil = System.nanoTime();

  FunctionHost(FunctionRunner runner) {
    this.runner = runner;
  }

  /** Where the outcome of one run goes: its output and run time, or (error non-null) why it failed. */
  interface Outcome {
    void report(byte[] output, long runtimeNanos, String error);
  }

  private record Call(String subject, byte[] payload, CallTrace trace, Outcome outcome) {}

  /**
   * Starts one run on a worker, or queues it behind the runs in flight; {@code outcome} is called
   * exactly once. {@code trace} (null when the trigger is not traced) gets the run's span.
   */
  void run(String subject, byte[] payload, CallTrace trace, Outcome outcome) {
    Call call = new Call(subject, payload, trace, outcome);
    if (admit(call)) {
      start(call, false);
    }
  }

  /**
   * Runs one on the calling thread (one from {@link FunctionRunner#callerThread}) if a slot is
   * free, else queues it as {@link #run} does; {@code outcome} is called exactly once, usually by
   * this thread before it returns.
   */
  void runHere(String subject, byte[] payload, CallTrace trace, Outcome outcome) {
    Call call = new Call(subject, payload, trace, outcome);
    if (admit(call)) {
      start(call, true);
    }
  }

  /**
   * Whether a socket's reader may run this function's next call itself rather than hand it to a
   * worker: not for {@link #WORKERS_NANOS} after a run on a reader that waited on a host service
   * or {@link #ranLong ran long}. Then one is tried there again: a function that was slow once
   * (its first call, say) is not sent to workers for good.
   */
  boolean runsShort() {
    return System.nanoTime() - workersUntil >= 0;
  }

  /**
   * A run of this function held a reader too long (the reader's turn was taken from it, or it
   * waited on a host service): its calls go to workers for the next {@link #WORKERS_NANOS}.
   */
  void ranLong() {
    workersUntil = System.nanoTime() + WORKERS_NANOS;
  }

  /** True if the call may start now; else it waits in the queue, or has been refused. */
  private boolean admit(Call call) {
    String refusal;
    lock.lock();
    try {
      if (stopped) {
        refusal = UNDEPLOYED;
      } else if (inFlight < IN_FLIGHT) {
        inFlight++;
        return true;
      } else if (waiting.size() < WAITING) {
        waiting.add(call);
        return false;
      } else {
        refusal = "function has " + (IN_FLIGHT + WAITING) + " calls in flight or waiting; this one is refused";
      }
    } finally {
      lock.unlock();
    }
    call.outcome().report(NO_OUTPUT, 0, refusal);
    return false;
  }

  private void start(Call call, boolean here) {
    long started = System.nanoTime();
    CompletableFuture<byte[]> run = traced(call.trace(), () -> here ? runner.runHere(call.subject(), call.payload())
        : runner.start(call.subject(), call.payload()));
    if (here && HostWaits.takeWaited()) {
      ranLong(); // its calls are better off on workers, where waiting holds back no reader
    }
    run.whenComplete((output, failure) -> {
      try {
        if (call.trace() != null) {
          call.trace().functionEnded(failure == null ? null : describe(failure));
        }
        if (failure == null) {
          call.outcome().report(output == null ? NO_OUTPUT : output, System.nanoTime() - started, null);
        } else {
          call.outcome().report(NO_OUTPUT, 0, describe(failure));
        }
      } finally {
        finished();
      }
    });
  }

  private static CompletableFuture<byte[]> traced(CallTrace trace, CallTrace.Step<CompletableFuture<byte[]>, RuntimeException> start) {
    if (trace == null) {
      return start.run();
    }
    trace.functionStarted();
    return CallTrace.within(trace, start);
  }

  /** A run has ended: its slot goes to the first call waiting, if any. */
  private void finished() {
    Call next;
    lock.lock();
    try {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        if (inFlight == 0) {
          idle.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      start(next, false);
    }
  }

  /** Waits until no run is in progress or waiting and every outcome has been reported. */
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

  /** Ends the runs in flight and refuses the ones waiting and any later ones. */
  void stop() {
    ArrayDeque<Call> refused;
    lock.lock();
    try {
      stopped = true;
      refused = new ArrayDeque<>(waiting);
      waiting.clear();
    } finally {
      lock.unlock();
    }
    refused.forEach(call -> call.outcome().report(NO_OUTPUT, 0, UNDEPLOYED));
    runner.close();
  }
}
