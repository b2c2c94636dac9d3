package io.nex.agent.function;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs invocations on a few worker threads, and ends each at the time limit even when the
 * function is stuck: its {@link Deadlines deadline} then fails the invocation and interrupts its worker. Chicory checks
 * for that at every branch and call (interpreter and AOT alike); V8 is told to stop at the same
 * moment through the invocation's {@link Stop}. A worker blocked where neither looks (inside a
 * host service call) is left to finish on its own, its result dropped, and the pool grows by one
 * until it does, so stuck invocations never starve the next ones. Nothing is shared between
 * invocations, so the next one starts clean either way.
 *
 * <p>At most {@link #WORKERS} run at once: that bounds the instances in memory. Invocations
 * beyond that wait in a queue, and a worker that finishes one takes the next without sleeping in
 * between: under load, handing an invocation over costs no thread wake-up. The caller's thread
 * never waits: the result is a future, completed by the worker. A caller with nothing else to do
 * may instead {@link #runHere run one itself}, under the same time limit.
 */
final class Invocations {
  static final int WORKERS = 2 * Math.max(2, Runtime.getRuntime().availableProcessors());
  // AOT-compiled WebAssembly and compiled scripts recurse on the Java stack
  private static final long STACK_BYTES = 16L << 20;
  private static final long IDLE_SECONDS = 30;
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
        task -> thread(threadName, task));
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

  /** Starts {@code body} on a worker and returns at once. */
  CompletableFuture<byte[]> start(Body body) {
    return begin(body, false);
  }

  /**
   * Runs {@code body} on the calling thread, which must be one from {@link #thread}. Returns once
   * it has ended; the future is complete by then, unless the body is stuck where neither an
   * interrupt nor V8 looks (a host-service call): the future then fails at the deadline and this
   * thread is held until the call returns. The thread's interrupt status is cleared before this
   * returns, so a deadline that interrupted the body cannot reach the caller's next I/O.
   */
  CompletableFuture<byte[]> runHere(Body body) {
    if (closed) {
      return CompletableFuture.failedFuture(new FunctionException("function is undeployed"));
    }
    return begin(body, true);
  }

  /** A thread fit for {@link #runHere}: with a stack as deep as the workers'. */
  static Thread thread(String name, Runnable task) {
    Thread thread = new Thread(null, task, name, STACK_BYTES);
    thread.setDaemon(true);
    return thread;
  }

  private CompletableFuture<byte[]> begin(Body body, boolean here) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    AtomicInteger state = new AtomicInteger(QUEUED);
    Stop stop = new Stop();
    // the starter's trace, if the call is traced, so that the function's host-service calls find it
    // (a call run here has it already)
    CallTrace trace = CallTrace.current();
    FutureTask<Void> running = new FutureTask<>(() -> {
      if (!state.compareAndSet(QUEUED, RUNNING)) {
        return; // its time ran out while it waited
      }
      try {
        result.complete(trace == null || here ? body.run(deadline, stop)
            : CallTrace.within(trace, () -> body.run(deadline, stop)));
      } catch (Throwable failure) {
        result.completeExceptionally(describe(failure));
      } finally {
        if (state.getAndSet(DONE) == STUCK && !here) {
          resize(-1);
        }
      }
    }, null);
    if (!here) {
      try {
        workers.execute(running);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.failedFuture(new FunctionException("function is undeployed"));
      }
    }
    Deadlines.Armed limit = Deadlines.arm(deadline, () -> {
      if (result.completeExceptionally(timedOut())) {
        if (state.compareAndSet(RUNNING, STUCK)) {
          if (!here) {
            resize(+1); // a worker is held: the next invocations get another
          }
        } else {
          state.compareAndSet(QUEUED, DONE);
        }
        stop.run();
        running.cancel(true);
      }
    });
    result.whenComplete((output, failure) -> limit.disarm());
    if (here) {
      running.run();
      Thread.interrupted();
    }
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
}
