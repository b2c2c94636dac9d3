package io.nex.node.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of at most {@code threads} daemon workers with a queue of at most {@code queued} tasks,
 * for work that arrives from outside (control requests, host-service calls). A cached pool
 * would start a thread per request under a flood; this one refuses the overflow with a
 * {@link RejectedExecutionException}, which the caller answers as "busy". Idle workers end
 * after a while, so a quiet node holds none.
 */
public final class BoundedWorkers {
  private static final long IDLE_SECONDS = 30;

  private BoundedWorkers() {}

  public static ExecutorService create(String name, int threads, int queued) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queued), runnable -> {
          Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
