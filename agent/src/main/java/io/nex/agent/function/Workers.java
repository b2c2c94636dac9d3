package io.nex.agent.function;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every function of this agent runs on. A task waits in one queue; a thread that
 * finishes one takes the next without sleeping, so under load handing work over costs no
 * wake-up. There is a thread for every task submitted and not finished: when all are busy (a
 * function stuck in a host call, say) the next task gets a new thread rather than waiting behind
 * them. A thread idle for {@link #IDLE_SECONDS} ends.
 *
 * <p>A pool from {@code java.util.concurrent} did not fit: a fixed one lets stuck tasks starve
 * the rest, and a cached one hands each task over directly, so a task that arrives while the
 * threads are between two tasks starts a thread of its own.
 */
final class Workers {
  private static final long IDLE_SECONDS = 30;

  private final String name;
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final AtomicInteger threads = new AtomicInteger();
  /** Tasks submitted and not finished: queued or running. */
  private final AtomicInteger unfinished = new AtomicInteger();

  Workers(String name) {
    this.name = name;
  }

  void execute(Runnable task) {
    int waiting = unfinished.incrementAndGet();
    tasks.add(task);
    if (waiting > threads.get()) {
      threads.incrementAndGet();
      Invocations.thread(name, this::work).start();
    }
  }

  private void work() {
    while (true) {
      Runnable task;
      try {
        task = tasks.poll(IDLE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        task = null; // nobody interrupts these threads but a stray deadline; treated as idle
      }
      if (task == null) {
        threads.decrementAndGet();
        // a task submitted while this thread was leaving may have counted on it
        if (unfinished.get() <= threads.get() || tasks.isEmpty()) {
          return;
        }
        threads.incrementAndGet();
        continue;
      }
      boolean ran = false;
      try {
        task.run(); // a task reports its own failures: it throws nothing but the JVM's own errors
        ran = true;
      } finally {
        unfinished.decrementAndGet();
        Thread.interrupted();
        if (!ran) {
          threads.decrementAndGet();
        }
      }
    }
  }
}
