package io.nex.agent.function;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A V8 isolate set up ahead for the next JavaScript function of a function host (ours). Setting
 * one up (a V8 runtime, then {@code nex-runtime.js}) is most of what adding a JavaScript function
 * costs, 5-20 ms on two busy cores, against well under a millisecond for the rest of the add. The
 * first function of a host sets one up on the spot; each one taken is replaced in the background
 * at the next {@link #refill}, which the host calls once the add is answered, so the replacement
 * does not hold up the add it follows. A host that runs no JavaScript never holds one.
 */
public final class SpareIsolate implements AutoCloseable {
  private final AtomicReference<V8Isolate> ready = new AtomicReference<>();
  private volatile boolean taken;
  /** Guarded by this, as is {@link #maker}, made at the first refill. */
  private boolean closed;
  private ExecutorService maker;

  /** The spare, now the isolate of the function with these host services and this log; else one set up now. */
  V8Isolate take(HostServices hostServices, Consumer<String> logLine) throws FunctionException {
    taken = true;
    V8Isolate spare = ready.getAndSet(null);
    if (spare == null) {
      return V8Isolate.start(hostServices, logLine);
    }
    spare.bind(hostServices, logLine);
    return spare;
  }

  /** Sets up a new spare in the background if one was taken since the last refill. */
  public synchronized void refill() {
    if (!taken || closed) {
      return;
    }
    taken = false;
    if (maker == null) {
      maker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "v8-spare");
        thread.setDaemon(true);
        return thread;
      });
    }
    maker.execute(this::make);
  }

  /** Whether a spare is set up and waiting. */
  boolean holdsOne() {
    return ready.get() != null;
  }

  private void make() {
    if (ready.get() != null) {
      return;
    }
    V8Isolate spare;
    try {
      spare = V8Isolate.unbound();
    } catch (FunctionException e) {
      return; // the next function sets one up itself, and is refused with the reason if it cannot
    }
    synchronized (this) {
      if (!closed && ready.compareAndSet(null, spare)) {
        return;
      }
    }
    spare.close();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (maker != null) {
      maker.shutdown();
    }
    V8Isolate spare = ready.getAndSet(null);
    if (spare != null) {
      spare.close();
    }
  }
}
