package io.nex.node.function;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.TriggerResult;
import io.nex.api.events.EventTypes;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.session.AgentCallException;
import io.nex.node.telemetry.EventPublisher;
import io.nex.node.tracing.Tracing;
import io.nex.node.workload.Deployment;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs functions on their trigger subjects: each message on a trigger subject becomes one call to
 * the function's agent, over its trigger socket where the sandbox shares the node's files, else as
 * an {@code agentint.{id}.trigger} request; the function's output is the reply (when the message
 * had a reply subject), and each run emits {@code function_exec_succeeded} or
 * {@code function_exec_failed}. Subscriptions use the workload name as queue group, so copies of
 * a function share the load. Nothing blocks per message in flight.
 *
 * <p>Messages reach an agent through a {@link Lane}: a {@link Relay} (a dispatcher thread) and a
 * link. A workload with a sandbox of its own has a lane of its own; the functions of a function
 * host share the host's link (one socket), and every host's lane shares one relay, so a thousand
 * functions in ten hosts take one dispatcher thread and ten sockets, and a burst of triggers to
 * any functions of one host goes to it in one write.
 */
public final class TriggerRouter implements FunctionTriggers, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerRouter.class);
  private static final byte[] NO_PAYLOAD = new byte[0];
  private static final long[] LATE_FLUSH_MILLIS = {20, 250, 2000};

  private final Connection triggers;
  private final EventPublisher events;
  private final Duration timeout;
  private final NodeMetrics metrics;
  private final Tracing tracing;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  /** By host id: a host's lane lives as long as its socket, from its first function's route on. */
  private final Map<String, Lane> hostLanes = new ConcurrentHashMap<>();
  /** The function hosts' relay, made with the first host's lane. */
  private volatile Relay hostRelay;
  private volatile boolean closing;
  private final Map<String, AtomicLong> runtimeNanos = new ConcurrentHashMap<>();

  /**
   * A dispatcher thread, and the links it holds calls back in for the rest of a burst: a call
   * goes out once the dispatcher has no further message waiting.
   */
  private final class Relay {
    final Dispatcher dispatcher = triggers.createDispatcher();
    /** Links with calls held back; touched by the dispatcher's thread only. */
    private final List<TriggerLink> holding = new ArrayList<>();
    private boolean closed;

    void deliver(Deployment deployment, String function, TriggerLink link, Message msg) {
      trigger(deployment, function, link, msg);
      // the count can read -1 for a moment (jnats counts a message after queueing it)
      if (dispatcher.getPendingMessageCount() > 0) {
        if (!holding.contains(link)) {
          holding.add(link);
        }
        return;
      }
      link.flush();
      for (TriggerLink held : holding) {
        if (held != link) {
          held.flush();
        }
      }
      holding.clear();
    }

    synchronized void unsubscribe(List<Subscription> subscriptions) {
      if (closed || triggers.getStatus() != Connection.Status.CONNECTED) {
        return;
      }
      for (Subscription subscription : subscriptions) {
        if (subscription.isActive()) { // a host that ended had its functions' taken off already
          dispatcher.unsubscribe(subscription);
        }
      }
    }

    synchronized void close() {
      if (!closed && triggers.getStatus() == Connection.Status.CONNECTED) {
        triggers.closeDispatcher(dispatcher);
      }
      closed = true;
    }
  }

  /** A relay and the link its messages go out on. */
  private final class Lane {
    final Relay relay;
    final TriggerLink link;
    /** A lane of one workload, whose relay goes with it. */
    final boolean ownRelay;
    private boolean closed;

    Lane(Relay relay, TriggerLink link, boolean ownRelay) {
      this.relay = relay;
      this.link = link;
      this.ownRelay = ownRelay;
    }

    /** {@code function} names the function in a host's lane, null in a lane of one workload. */
    void subscribe(Deployment deployment, String function, List<Subscription> into) {
      for (String subject : deployment.triggerSubjects()) {
        into.add(relay.dispatcher.subscribe(subject, deployment.name(),
            msg -> relay.deliver(deployment, function, link, msg)));
      }
    }

    /**
     * One function's subscriptions of a host's lane. Its messages still queued in the dispatcher,
     * or on their way from the server, are dropped unseen: a call held back for the burst they
     * seemed to belong to would then wait for the relay's next trigger. So the hosts' links are
     * flushed now and again once they have passed.
     */
    void unsubscribe(List<Subscription> subscriptions) {
      relay.unsubscribe(subscriptions);
      flushHosts();
      for (long millis : LATE_FLUSH_MILLIS) {
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(TriggerRouter.this::flushHosts);
      }
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (ownRelay) {
        relay.close();
      }
      link.close();
    }
  }

  private void flushHosts() {
    hostLanes.values().forEach(lane -> lane.link.flush());
  }

  /** A workload's subscriptions, in its own lane or its host's. */
  private record Route(Deployment deployment, Lane lane, List<Subscription> subscriptions) {
    boolean sameFunction(Route other) {
      return deployment.namespace().equals(other.deployment.namespace()) && deployment.name().equals(other.deployment.name());
    }
  }

  public TriggerRouter(Connection triggers, EventPublisher events, Duration timeout, NodeMetrics metrics,
      Tracing tracing) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.triggers = triggers;
    this.events = events;
    this.timeout = timeout;
  }

  /**
   * Starts routing a deployed function's triggers to its agent: over the socket at
   * {@code triggerSocket} when there is one (the agent listens there by now), else over the
   * internal server.
   */
  @Override
  public void route(Deployment deployment, Optional<Path> triggerSocket) throws IOException {
    TriggerLink link = triggerSocket.isPresent()
        ? SocketTriggerLink.connect(deployment.id(), triggerSocket.get(), timeout, () -> { })
        : new NatsTriggerLink(deployment.session(), timeout);
    Lane lane = new Lane(new Relay(), link, true);
    Route route = new Route(deployment, lane, new ArrayList<>());
    runtimeNanos.put(deployment.id(), new AtomicLong());
    lane.subscribe(deployment, null, route.subscriptions());
    routes.put(deployment.id(), route);
  }

  @Override
  public void routeHosted(Deployment deployment, String hostId, Path hostSocket, Runnable socketEnded)
      throws IOException {
    Lane lane;
    try {
      lane = hostLanes.computeIfAbsent(hostId, id -> connectHost(id, hostSocket, socketEnded));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Route route = new Route(deployment, lane, new ArrayList<>());
    runtimeNanos.put(deployment.id(), new AtomicLong());
    lane.subscribe(deployment, deployment.id(), route.subscriptions());
    routes.put(deployment.id(), route);
  }

  /** The host's lane; it goes when the host's socket ends (its sandbox is gone). */
  private Lane connectHost(String hostId, Path hostSocket, Runnable socketEnded) {
    Lane[] self = new Lane[1];
    try {
      TriggerLink link = SocketTriggerLink.connect(hostId, hostSocket, timeout, () -> {
        if (self[0] != null && !closing && hostLanes.remove(hostId, self[0])) {
          hostEnded(self[0]);
          socketEnded.run();
        }
      });
      self[0] = new Lane(hostRelay(), link, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return self[0];
  }

  /** No more triggers for the functions of a host whose socket ended: they are unrouted soon anyway. */
  private void hostEnded(Lane lane) {
    lane.close();
    routes.values().stream().filter(route -> route.lane() == lane)
        .forEach(route -> lane.relay.unsubscribe(route.subscriptions()));
  }

  private synchronized Relay hostRelay() {
    if (hostRelay == null) {
      hostRelay = new Relay();
    }
    return hostRelay;
  }

  @Override
  public void unroute(String workloadId) {
    Route route = routes.remove(workloadId);
    runtimeNanos.remove(workloadId);
    if (route == null) {
      return;
    }
    if (routes.values().stream().noneMatch(route::sameFunction)) {
      metrics.functionGone(route.deployment().namespace(), route.deployment().name());
    }
    if (route.lane().ownRelay) {
      route.lane().close();
      return;
    }
    route.lane().unsubscribe(route.subscriptions());
  }

  /** Total time the function has run, for {@code node info}'s runtime column. */
  public Duration runtime(String workloadId) {
    AtomicLong total = runtimeNanos.get(workloadId);
    return Duration.ofNanos(total == null ? 0 : total.get());
  }

  /** Hands a trigger to the link, to be sent with the rest of its burst. */
  private void trigger(Deployment deployment, String function, TriggerLink link, Message msg) {
    long started = System.nanoTime();
    // untraced (the default), a trigger makes no span and reads no header
    Span span = tracing.on() ? TriggerSpans.start(tracing, deployment, msg) : null;
    byte[] payload = msg.getData() == null ? NO_PAYLOAD : msg.getData();
    String traceparent = span == null ? null : Tracing.traceparent(span);
    link.callLater(function, msg.getSubject(), payload, traceparent).whenComplete((result, failure) -> {
      long elapsed = System.nanoTime() - started;
      String error = failure != null ? describe(failure) : result.error();
      Headers replyHeaders = span == null ? null : Tracing.headers(span);
      if (error == null) {
        error = oversized(msg, replyHeaders, result.output());
      }
      if (runtimeNanos.containsKey(deployment.id())) {
        metrics.triggerFinished(deployment.namespace(), deployment.name(), error == null, elapsed / 1e9);
      } else {
        // a late answer after the unroute: it would bring back the series just dropped
        metrics.triggerFinished(error == null, elapsed / 1e9);
      }
      if (span != null) {
        TriggerSpans.end(tracing, span, deployment, result, error);
      }
      try {
        if (error == null) {
          succeeded(deployment, msg, result, elapsed, replyHeaders);
        } else {
          failed(deployment, msg, error, replyHeaders);
        }
      } catch (RuntimeException e) {
        // jnats refuses a publish while it cannot queue one (reconnecting, its buffer full): say
        // so, or the answer is lost inside this callback's future where nobody looks
        LOG.warn("Could not answer a trigger of {}/{} on {}: {}", deployment.namespace(), deployment.name(),
            msg.getSubject(), e.getMessage());
      }
    });
  }

  /**
   * Why the reply cannot go out, or null: the server closes a connection that publishes past its
   * {@code max_payload}, and jnats refuses to, so the caller would hear nothing. A function may
   * return more than that (its output frame allows 64 MiB).
   */
  private String oversized(Message msg, Headers headers, byte[] output) {
    if (msg.getReplyTo() == null) {
      return null;
    }
    long max = triggers.getMaxPayload();
    long size = output.length + (headers == null ? 0 : headers.serializedLength());
    if (max <= 0 || size <= max) {
      return null;
    }
    return "the function's reply of " + output.length + " bytes is over the NATS server's max_payload of " + max
        + " bytes";
  }

  private void succeeded(Deployment deployment, Message msg, TriggerResult result, long elapsed, Headers headers) {
    AtomicLong total = runtimeNanos.get(deployment.id());
    if (total != null) {
      total.addAndGet(result.runtimeNanos() < 0 ? elapsed : result.runtimeNanos());
    }
    if (msg.getReplyTo() != null) {
      if (headers == null) {
        triggers.publish(msg.getReplyTo(), result.output());
      } else {
        triggers.publish(msg.getReplyTo(), headers, result.output());
      }
    }
    Map<String, Object> data = eventData(deployment, msg);
    data.put("elapsed_nanos", elapsed);
    events.publish(deployment.namespace(), EventTypes.FUNCTION_EXEC_SUCCEEDED, data);
  }

  private void failed(Deployment deployment, Message msg, String error, Headers headers) {
    if (msg.getReplyTo() != null) {
      Headers withError = headers == null ? new Headers() : headers;
      triggers.publish(msg.getReplyTo(), withError.put(FunctionHeaders.ERROR, error), new byte[0]);
    }
    Map<String, Object> data = eventData(deployment, msg);
    data.put("error", error);
    events.publish(deployment.namespace(), EventTypes.FUNCTION_EXEC_FAILED, data);
  }

  private String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    boolean silent = cause instanceof TimeoutException
        || cause instanceof AgentCallException call && !call.neverReached();
    return silent
        ? "function did not answer within " + timeout.toMillis() + " ms"
        : "function failed: " + cause.getMessage();
  }

  private static Map<String, Object> eventData(Deployment deployment, Message msg) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("workload_name", deployment.name());
    data.put("id", deployment.id());
    data.put("trigger_subject", msg.getSubject());
    data.put("namespace", deployment.namespace());
    return data;
  }

  @Override
  public void close() {
    closing = true;
    routes.keySet().forEach(this::unroute);
    List.copyOf(hostLanes.values()).forEach(Lane::close);
    hostLanes.clear();
    Relay relay = hostRelay;
    if (relay != null) {
      relay.close();
    }
  }
}
