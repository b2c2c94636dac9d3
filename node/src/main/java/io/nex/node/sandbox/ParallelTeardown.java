package io.nex.node.sandbox;

import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tears many things down at once on a few threads of its own: destroying a sandbox blocks (kill,
 * wait, remove files, reload the internal server), which must not occupy the common ForkJoin pool
 * that CompletableFuture callbacks run on.
 */
public final class ParallelTeardown {
  private static final Logger LOG = LoggerFactory.getLogger(ParallelTeardown.class);
  private static final int THREADS = 4;
  private static final long PATIENCE_SECONDS = 60;

  private ParallelTeardown() {}

  /** Runs {@code step} for each item, at most four at a time, and returns when all are done. */
  public static <T> void run(String name, Collection<T> items, Consumer<T> step) {
    if (items.isEmpty()) {
      return;
    }
    ExecutorService workers = Executors.newFixedThreadPool(Math.min(THREADS, items.size()), r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    });
    items.forEach(item -> workers.execute(() -> {
      try {
        step.accept(item);
      } catch (RuntimeException e) {
        LOG.warn("{} failed: {}", name, e.getMessage());
      }
    }));
    workers.shutdown();
    try {
      if (!workers.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("{} still running after {} s; going on", name, PATIENCE_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
