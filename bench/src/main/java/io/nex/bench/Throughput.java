package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Requests per second answered on a subject with a fixed number in flight, 16-byte payloads. */
final class Throughput {
  private Throughput() {}

  /** Spreads the requests over {@code connections} in turn (one per server, for a fleet). */
  static double measure(List<Connection> connections, String subject, int inFlight, Duration window)
      throws InterruptedException {
    return measure(connections, () -> subject, inFlight, window);
  }

  /** As above, each request to the subject {@code subjects} names then (a random one of many functions). */
  static double measure(List<Connection> connections, Supplier<String> subjects, int inFlight, Duration window)
      throws InterruptedException {
    byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong done = new AtomicLong();
    long started = System.nanoTime();
    long end = started + window.toNanos();
    int next = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      CompletableFuture<Message> reply = connections.get(next++ % connections.size())
          .requestWithTimeout(subjects.get(), payload, Duration.ofSeconds(5));
      reply.whenComplete((m, e) -> {
        if (e == null) {
          done.incrementAndGet();
        }
        slots.release();
      });
    }
    slots.tryAcquire(inFlight, 10, TimeUnit.SECONDS);
    return done.get() / ((System.nanoTime() - started) / 1e9);
  }
}
