package io.nex.agent.function;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one function's invocations on worker threads, and ends each at the time limit even when
 * the function is stuck: its {@link Deadlines deadline} then fails the invocation and interrupts
 * its worker. Chicory checks for that at every branch and call (interpreter and AOT alike); V8 is
 * told to stop at the same moment through the invocation's {@link Stop}. A worker blocked where
 * neither looks (inside a host service call) is left to finish on its own, its result dropped,
 * and its place goes to the next invocation at once, so stuck invocations never starve the next
 * ones. Nothing is shared between invocations, so the next one starts clean either way.
 *
 * <p>At most {@link #WORKERS} of one function's invocations run at once: that bounds its
 * instances in memory. Invocations beyond that wait in the function's queue, and a worker that
 * finishes one takes the next without sleeping in between: under load, handing an invocation
 * over costs no thread wake-up. The workers come from one pool for the whole agent
 * ({@link Workers}), which grows with the invocations running: a function host's hundred functions take as many threads as run
 * at once, not a hundred pools', and one function's stuck or slow invocations never hold a
 * thread that a neighbour waits for. The caller's thread never waits: the result is a future,
 * completed by the worker. A caller with nothing else to do may instead {@link #runHere run one
 * itself}, under the same time limit.
 */
final class Invocations {
  static final int WORKERS = 2 * Math.max(2, Runtime.getRuntime().availableProcessors());
  // AOT-compiled WebAssembly and compiled scripts recurse on the Java stack
  private static final long STACK_BYTES = 16L << 20;
  private static final Workers POOL = new Workers("nex-function");
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int STUCK = 2;
  private static final int DONE = 3;

  private final Duration timeout;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}: invocations waiting for a worker, and the workers this function holds. */
  private final ArrayDeque<Invocation> queued = new ArrayDeque<>();
  private int working;
  /** Started and unfinished, for {@link #close}. */
  private final Set<Invocation> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Invocations(Duration timeout) {
    this.timeout = timeout;
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
    if (closed) {
      return CompletableFuture.failedFuture(new FunctionException("function is undeployed"));
    }
    Invocation invocation = begin(body, false);
    boolean startWorker;
    synchronized (lock) {
      startWorker = working < WORKERS;
      if (startWorker) {
        working++;
      } else {
        queued.add(invocation);
      }
    }
    if (startWorker) {
      POOL.execute(() -> work(invocation));
    }
    return invocation.result;
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
    Invocation invocation = begin(body, true);
    invocation.task.run();
    Thread.interrupted();
    return invocation.result;
  }

  /** A thread fit for {@link #runHere}: with a stack as deep as the workers'. */
  static Thread thread(String name, Runnable task) {
    Thread thread = new Thread(null, task, name, STACK_BYTES);
    thread.setDaemon(true);
    return thread;
  }

  /** One worker's turn for this function: the invocation it was started for, then those queued behind it. */
  private void work(Invocation first) {
    for (Invocation next = first; next != null; ) {
      next.task.run();
      Thread.interrupted(); // a deadline's interrupt belongs to the invocation that just ended
      if (next.state.get() == STUCK) {
        return; // its place went to another worker at the deadline
      }
      next = nextOrLeave();
    }
  }

  /** The next invocation queued for the worker that asks, or null: then the worker leaves this function. */
  private Invocation nextOrLeave() {
    synchronized (lock) {
      Invocation next = queued.poll();
      if (next == null) {
        working--;
      }
      return next;
    }
  }

  /** An invocation past its deadline holds its worker: its place goes to the next one queued. */
  private void stuck() {
    Invocation next = nextOrLeave();
    if (next != null) {
      POOL.execute(() -> work(next));
    }
  }

  private Invocation begin(Body body, boolean here) {
    Invocation invocation = new Invocation(body, here, System.nanoTime() + timeout.toNanos());
    active.add(invocation);
    invocation.result.whenComplete((output, failure) -> active.remove(invocation));
    return invocation;
  }

  /** One run of the function, from its queueing to its end or its deadline. */
  private final class Invocation {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    final AtomicInteger state = new AtomicInteger(QUEUED);
    final Stop stop = new Stop();
    final FutureTask<Void> task;
    private final Deadlines.Armed limit;

    Invocation(Body body, boolean here, long deadline) {
      // the starter's trace, if the call is traced, so that the function's host-service calls find it
      // (a call run here has it already)
      CallTrace trace = here ? null : CallTrace.current();
      task = new FutureTask<>(() -> {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
          return; // its time ran out, or its function was undeployed, while it waited
        }
        try {
          result.complete(trace == null ? body.run(deadline, stop) : CallTrace.within(trace, () -> body.run(deadline, stop)));
        } catch (Throwable failure) {
          result.completeExceptionally(describe(failure));
        } finally {
          state.compareAndSet(RUNNING, DONE);
        }
      }, null);
      limit = Deadlines.arm(deadline, () -> end(timedOut(), here));
      result.whenComplete((output, failure) -> limit.disarm());
    }

    /** Fails the invocation now (deadline, undeploy) and stops it if it runs. */
    void end(FunctionException reason, boolean here) {
      if (!result.completeExceptionally(reason)) {
        return;
      }
      if (state.compareAndSet(RUNNING, STUCK)) {
        if (!here) {
          stuck();
        }
      } else {
        state.compareAndSet(QUEUED, DONE);
      }
      stop.run();
      task.cancel(true);
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

  /** Refuses later invocations and ends every one queued or running with "function is undeployed". */
  void close() {
    closed = true;
    FunctionException undeployed = new FunctionException("function is undeployed");
    List.copyOf(active).forEach(invocation -> invocation.end(undeployed, true));
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
