package io.nex.node.session;

import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call to an agent, tried until it is answered or its deadline passes. A no-responder reply
 * means the agent was not subscribed (it is reconnecting, or re-subscribing after the internal
 * server came back): the request is sent again after a short pause, and if that is all the
 * deadline ever saw, the call fails as "not connected". A call marked {@code resendOnSilence}
 * (one the agent answers the same way twice: deploy, ping) is also sent again when an attempt
 * stays unanswered for a while, in case the message was lost with a dying server; earlier
 * attempts stay valid, and whichever answer comes first counts.
 */
final class Exchange {
  private static final long FIRST_PAUSE_MILLIS = 25;
  /** The agents' and the node's reconnect wait: pausing longer would only add latency. */
  private static final long MAX_PAUSE_MILLIS = 250;
  static final Duration SILENCE_BEFORE_RESEND = Duration.ofSeconds(2);

  /** Told when an attempt found nobody, or got an answer: readiness follows what the wire says. */
  interface Reachability {
    void unreachable();

    void answered();
  }

  private final String sandboxId;
  private final AgentCall call;
  private final Headers headers;
  private final byte[] body;
  private final Duration timeout;
  private final long deadlineNanos;
  private final boolean resendOnSilence;
  private final AgentTransport transport;
  private final ScheduledExecutorService timers;
  private final Reachability reachability;
  private final CompletableFuture<AgentReply> result = new CompletableFuture<>();
  private int attempts;
  private long pauseMillis = FIRST_PAUSE_MILLIS;
  /** Some attempt went unanswered (rather than finding nobody): the agent may have seen the call. */
  private boolean silenceSeen;

  private Exchange(String sandboxId, AgentCall call, Headers headers, byte[] body, Duration timeout,
      boolean resendOnSilence, AgentTransport transport, ScheduledExecutorService timers, Reachability reachability) {
    this.sandboxId = sandboxId;
    this.call = call;
    this.headers = headers;
    this.body = body;
    this.timeout = timeout;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.resendOnSilence = resendOnSilence;
    this.transport = transport;
    this.timers = timers;
    this.reachability = reachability;
  }

  /**
   * Starts the call. The future completes with the agent's reply, or exceptionally with an
   * {@link AgentCallException}.
   */
  static CompletableFuture<AgentReply> start(String sandboxId, AgentCall call, Headers headers, byte[] body,
      Duration timeout, boolean resendOnSilence, AgentTransport transport, ScheduledExecutorService timers,
      Reachability reachability) {
    Exchange exchange = new Exchange(sandboxId, call, headers, body, timeout, resendOnSilence, transport, timers,
        reachability);
    exchange.send();
    return exchange.result;
  }

  private void send() {
    int attempt;
    long left;
    synchronized (this) {
      left = deadlineNanos - System.nanoTime();
      if (result.isDone()) {
        return;
      }
      if (left <= 0) {
        giveUp();
        return;
      }
      attempt = ++attempts;
    }
    CompletableFuture<AgentReply> sent;
    try {
      sent = transport.send(sandboxId, call, headers, body, Duration.ofNanos(left));
    } catch (RuntimeException e) {
      // e.g. the connection's reconnect buffer is full: treat it as nobody having heard
      retryAfterPause(attempt);
      return;
    }
    sent.whenComplete((reply, failure) -> {
      if (failure == null && !reply.noResponders()) {
        reachability.answered();
        result.complete(reply);
      } else if (failure == null) {
        reachability.unreachable();
        retryAfterPause(attempt);
      } else if (unwrap(failure) instanceof TimeoutException) {
        synchronized (this) {
          silenceSeen = true;
        }
        giveUp(); // this attempt waited out the whole deadline
      } else {
        result.completeExceptionally(unwrap(failure));
      }
    });
    if (resendOnSilence) {
      long silence = Math.min(SILENCE_BEFORE_RESEND.toNanos(), left);
      timers.schedule(() -> {
        synchronized (this) {
          if (attempt != attempts || result.isDone()) {
            return;
          }
          silenceSeen = true;
        }
        send();
      }, silence, TimeUnit.NANOSECONDS);
    }
  }

  /** Sends again after a pause, unless a newer attempt is already under way or the deadline comes first. */
  private void retryAfterPause(int attempt) {
    long pause;
    synchronized (this) {
      if (attempt != attempts || result.isDone()) {
        return;
      }
      pause = pauseMillis;
      pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= TimeUnit.MILLISECONDS.toNanos(pause)) {
      timers.schedule(this::giveUp, Math.max(left, 0), TimeUnit.NANOSECONDS);
    } else {
      timers.schedule(this::send, pause, TimeUnit.MILLISECONDS);
    }
  }

  private void giveUp() {
    boolean silent;
    synchronized (this) {
      silent = silenceSeen;
    }
    result.completeExceptionally(silent
        ? AgentCallException.silent(sandboxId, call, timeout.toMillis())
        : AgentCallException.notConnected(sandboxId));
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
