package io.nex.agent.function;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs invocations on a few worker threads, and ends each at the time limit even when the
 * function is stuck: a timer then fails the invocation and interrupts its worker. Chicory checks
 * for that at every branch and call (interpreter and AOT alike); V8 is told to stop at the same
 * moment through the invocation's {@link Stop}. A worker blocked where neither looks (inside a
 * host service call) is left to finish on its own, its result dropped, and the pool grows by one
 * until it does, so stuck invocations never starve the next ones. Nothing is shared between
 * invocations, so the next one starts clean either way.
 *
 * <p>At most {@link #WORKERS} run at once: that bounds the instances in memory. Invocations
 * beyond that wait in a queue, and a worker that finishes one takes the next without sleeping in
 * between: under load, handing an invocation over costs no thread wake-up. The caller's thread
 * never waits: the result is a future, completed by the worker.
 */
final class Invocations {
  static final int WORKERS = 2 * Math.max(2, Runtime.getRuntime().availableProcessors());
  // AOT-compiled WebAssembly and compiled scripts recurse on the Java stack
  private static final long STACK_BYTES = 16L << 20;
  private static final long IDLE_SECONDS = 30;
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int STUCK = 2;
  private static final int DONE = 3;

  private final Duration timeout;
  private final ThreadPoolExecutor workers;
  private volatile boolean closed;

  Invocations(String threadName, Duration timeout) {
    this.timeout = timeout;
    this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(null, task, threadName, STACK_BYTES);
          thread.setDaemon(true);
          return thread;
        });
    workers.allowCoreThreadTimeOut(true);
  }

  interface Body {
    /** @param stop where the body may say how to stop it at the deadline, besides its worker's interrupt */
    byte[] run(long deadlineNanos, Stop stop) throws FunctionException;
  }

  /** What to do at an invocation's deadline besides interrupting its worker: V8 must be told. */
  static final class Stop {
    private volatile Runnable action;

    void onDeadline(Runnable stopAction) {
      this.action = stopAction;
    }

    private void run() {
      Runnable stopAction = action;
      if (stopAction != null) {
        stopAction.run();
      }
    }
  }

  CompletableFuture<byte[]> start(Body body) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    AtomicInteger state = new AtomicInteger(QUEUED);
    Stop stop = new Stop();
    // the starter's trace, if the call is traced, so that the function's host-service calls find it
    CallTrace trace = CallTrace.current();
    Future<?> running;
    try {
      running = workers.submit(() -> {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
          return; // its time ran out while it waited
        }
        try {
          result.complete(trace == null ? body.run(deadline, stop) : CallTrace.within(trace, () -> body.run(deadline, stop)));
        } catch (Throwable failure) {
          result.completeExceptionally(describe(failure));
        } finally {
          if (state.getAndSet(DONE) == STUCK) {
            resize(-1);
          }
        }
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new FunctionException("function is undeployed"));
    }
    Future<?> timer = DEADLINES.schedule(() -> {
      if (result.completeExceptionally(timedOut())) {
        if (state.compareAndSet(RUNNING, STUCK)) {
          resize(+1);
        } else {
          state.compareAndSet(QUEUED, DONE);
        }
        stop.run();
        running.cancel(true);
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((output, failure) -> timer.cancel(false));
    return result;
  }

  /** One more (or one fewer) worker while an invocation past its deadline holds one. */
  private synchronized void resize(int by) {
    if (closed) {
      return;
    }
    int size = workers.getCorePoolSize() + by;
    if (by > 0) {
      workers.setMaximumPoolSize(size);
      workers.setCorePoolSize(size);
    } else {
      workers.setCorePoolSize(size);
      workers.setMaximumPoolSize(size);
    }
  }

  /** Waits for a run started with {@link #start}. */
  static byte[] await(CompletableFuture<byte[]> run) throws FunctionException {
    try {
      return run.get();
    } catch (ExecutionException e) {
      throw describe(e.getCause());
    } catch (InterruptedException e) {
      run.cancel(true);
      Thread.currentThread().interrupt();
      throw new FunctionException("function invocation was interrupted");
    }
  }

  private FunctionException timedOut() {
    return new FunctionException("function timed out after " + timeout.toMillis() + " ms");
  }

  /** Why a function that was told to stop (interrupted, or past its deadline) stopped. */
  FunctionException stopped() {
    return closed ? new FunctionException("function is undeployed") : timedOut();
  }

  synchronized void close() {
    closed = true;
    workers.shutdownNow();
  }

  private static FunctionException describe(Throwable failure) {
    if (failure instanceof FunctionException e) {
      return e;
    }
    if (failure instanceof OutOfMemoryError) {
      return new FunctionException("function ran out of memory");
    }
    if (failure instanceof StackOverflowError) {
      return new FunctionException("function overflowed its stack");
    }
    return new FunctionException("function failed: " + failure);
  }

  /** One daemon thread for every runner's time limits; cancelled timers leave its queue at once. */
  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "function-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }
}
