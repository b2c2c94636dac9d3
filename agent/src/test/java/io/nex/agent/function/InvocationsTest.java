package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The workers: failures described, one function's cap, and stuck invocations never starving the next ones. */
class InvocationsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private final Invocations invocations = new Invocations(TIMEOUT);
  private volatile boolean released;

  @AfterEach
  void close() {
    released = true;
    invocations.close();
  }

  @Test
  void stuckInvocationsTimeOutAndTheNextOnesStillRun() throws Exception {
    CountDownLatch running = new CountDownLatch(Invocations.WORKERS);
    CountDownLatch interrupted = new CountDownLatch(Invocations.WORKERS);
    List<CompletableFuture<byte[]>> stuck = new ArrayList<>();
    for (int i = 0; i < Invocations.WORKERS; i++) {
      // blocked where no deadline check looks, like a host service call that never returns
      stuck.add(invocations.start((deadline, stop) -> {
        running.countDown();
        boolean told = false;
        while (!released) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
          if (Thread.interrupted() && !told) {
            told = true;
            interrupted.countDown();
          }
        }
        return "late".getBytes(UTF_8);
      }));
    }
    for (CompletableFuture<byte[]> invocation : stuck) {
      assertThatThrownBy(() -> Invocations.await(invocation)).isInstanceOf(FunctionException.class)
          .hasMessage("function timed out after 1000 ms");
    }
    assertThat(running.getCount()).as("every worker was held when the time ran out").isZero();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("each stuck worker was interrupted").isTrue();

    // every worker is still held; without a grown pool these would wait in the queue and time out
    List<CompletableFuture<byte[]>> next = new ArrayList<>();
    for (int i = 0; i < 2 * Invocations.WORKERS; i++) {
      String output = "quick " + i;
      next.add(invocations.start((deadline, stop) -> output.getBytes(UTF_8)));
    }
    for (int i = 0; i < next.size(); i++) {
      assertThat(new String(Invocations.await(next.get(i)), UTF_8)).isEqualTo("quick " + i);
    }

    released = true;
    for (CompletableFuture<byte[]> invocation : stuck) {
      assertThat(invocation).isCompletedExceptionally();
    }
    assertThat(mostAtOnce(invocations, 3 * Invocations.WORKERS)).as("once the stuck ones return, the cap holds again")
        .isEqualTo(Invocations.WORKERS);
  }

  @Test
  void atMostWorkersOfOneFunctionRunAtOnceAndTheirNeighboursDoNotWait() throws Exception {
    Invocations neighbour = new Invocations(TIMEOUT);
    try {
      CountDownLatch holding = new CountDownLatch(1);
      List<CompletableFuture<byte[]>> busy = new ArrayList<>();
      for (int i = 0; i < 3 * Invocations.WORKERS; i++) {
        busy.add(invocations.start((deadline, stop) -> {
          try {
            holding.await();
          } catch (InterruptedException e) {
            throw new FunctionException("interrupted");
          }
          return new byte[0];
        }));
      }
      // every worker this function may have is held; the neighbour's start at once all the same
      assertThat(new String(neighbour.start((deadline, stop) -> "free".getBytes(UTF_8)).get(5, TimeUnit.SECONDS), UTF_8))
          .isEqualTo("free");
      holding.countDown();
      for (CompletableFuture<byte[]> call : busy) {
        Invocations.await(call);
      }
      assertThat(mostAtOnce(invocations, 3 * Invocations.WORKERS)).isEqualTo(Invocations.WORKERS);
    } finally {
      neighbour.close();
    }
  }

  @Test
  void closingEndsTheQueuedAndRunningOnes() {
    List<CompletableFuture<byte[]>> calls = new ArrayList<>();
    for (int i = 0; i < 2 * Invocations.WORKERS; i++) {
      calls.add(invocations.start((deadline, stop) -> {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.onSpinWait();
        }
        throw new FunctionException("saw the interrupt");
      }));
    }
    invocations.close();
    for (CompletableFuture<byte[]> call : calls) {
      assertThatThrownBy(() -> Invocations.await(call)).hasMessage("function is undeployed");
    }
  }

  /** Starts {@code calls} that each take a moment, and answers how many of them ran at the same time at most. */
  private static int mostAtOnce(Invocations of, int calls) throws FunctionException {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<CompletableFuture<byte[]>> started = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      started.add(of.start((deadline, stop) -> {
        most.accumulateAndGet(now.incrementAndGet(), Math::max);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        now.decrementAndGet();
        return new byte[0];
      }));
    }
    for (CompletableFuture<byte[]> call : started) {
      Invocations.await(call);
    }
    return most.get();
  }

  @Test
  void failuresAreDescribedInOneLine() {
    assertThatThrownBy(() -> Invocations.await(invocations.start((deadline, stop) -> {
      throw new FunctionException("bad input");
    }))).isInstanceOf(FunctionException.class).hasMessage("bad input");
    assertThatThrownBy(() -> Invocations.await(invocations.start((deadline, stop) -> {
      throw new IllegalStateException("boom");
    }))).isInstanceOf(FunctionException.class).hasMessage("function failed: java.lang.IllegalStateException: boom");
    assertThatThrownBy(() -> Invocations.await(invocations.start((deadline, stop) -> {
      throw new StackOverflowError();
    }))).isInstanceOf(FunctionException.class).hasMessage("function overflowed its stack");
  }

  @Test
  void aClosedPoolRefusesInvocations() {
    invocations.close();
    assertThatThrownBy(() -> Invocations.await(invocations.start((deadline, stop) -> new byte[0])))
        .isInstanceOf(FunctionException.class).hasMessage("function is undeployed");
  }

  @Test
  void runHereRunsOnTheCallersThreadAndStopsAtTheDeadline() throws Exception {
    List<String> ranOn = new ArrayList<>();
    AtomicReference<CompletableFuture<byte[]>> quick = new AtomicReference<>();
    AtomicReference<CompletableFuture<byte[]>> looping = new AtomicReference<>();
    AtomicBoolean interruptLeft = new AtomicBoolean(true);
    Thread caller = Invocations.thread("caller", () -> {
      quick.set(invocations.runHere((deadline, stop) -> {
        ranOn.add(Thread.currentThread().getName());
        return "here".getBytes(UTF_8);
      }));
      // a loop that only a deadline's interrupt ends, like a WebAssembly function's
      looping.set(invocations.runHere((deadline, stop) -> {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.onSpinWait();
        }
        throw new FunctionException("saw the interrupt");
      }));
      interruptLeft.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    caller.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(ranOn).containsExactly("caller");
    assertThat(quick.get()).isCompletedWithValueMatching(output -> new String(output, UTF_8).equals("here"));
    assertThat(looping.get()).isCompletedExceptionally();
    assertThatThrownBy(() -> Invocations.await(looping.get())).hasMessage("function timed out after 1000 ms");
    assertThat(interruptLeft).as("the deadline's interrupt does not outlive the run").isFalse();
  }

  @Test
  void aClosedPoolRefusesToRunHere() {
    invocations.close();
    assertThatThrownBy(() -> Invocations.await(invocations.runHere((deadline, stop) -> new byte[0])))
        .isInstanceOf(FunctionException.class).hasMessage("function is undeployed");
  }
}
