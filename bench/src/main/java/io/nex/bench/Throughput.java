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

  /**
   * The rates of several targets measured in turns, {@code slices} short windows each, round after
   * round, so that each sees the same machine: on a shared 2-core box, raw NATS alone moved from
   * 17k to 41k req/s between two windows a few seconds apart, and a ratio between rates measured
   * one after the other measured that drift as much as the targets. Each slice starts and ends
   * with nothing in flight.
   */
  static Turns inTurns(Connection connection, List<Supplier<String>> targets, int inFlight, int slices,
      Duration slice) throws InterruptedException {
    double[] seconds = new double[targets.size()];
    long[] answered = new long[targets.size()];
    for (int round = 0; round < slices; round++) {
      for (int t = 0; t < targets.size(); t++) {
        long started = System.nanoTime();
        answered[t] += answered(List.of(connection), targets.get(t), inFlight, slice);
        seconds[t] += (System.nanoTime() - started) / 1e9;
      }
    }
    double[] rates = new double[targets.size()];
    for (int t = 0; t < rates.length; t++) {
      rates[t] = answered[t] / seconds[t];
    }
    return new Turns(rates, answered);
  }

  /** Per target, in the order given: its rate over all its slices, and the requests answered in them. */
  record Turns(double[] rates, long[] answered) {}

  /** As above, each request to the subject {@code subjects} names then (a random one of many functions). */
  static double measure(List<Connection> connections, Supplier<String> subjects, int inFlight, Duration window)
      throws InterruptedException {
    long started = System.nanoTime();
    long done = answered(connections, subjects, inFlight, window);
    return done / ((System.nanoTime() - started) / 1e9);
  }

  /** Requests answered in {@code window}, then waits for the ones still in flight (counted too). */
  private static long answered(List<Connection> connections, Supplier<String> subjects, int inFlight, Duration window)
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
    return done.get();
  }
}
