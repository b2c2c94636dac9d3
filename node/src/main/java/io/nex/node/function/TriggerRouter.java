package io.nex.node.function;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs functions on their trigger subjects: each message on a trigger subject becomes one call to
 * the function's agent, over its trigger socket where the sandbox shares the node's files, else as
 * an {@code agentint.{id}.trigger} request; the function's output is the reply (when the message
 * had a reply subject), and each run emits {@code function_exec_succeeded} or
 * {@code function_exec_failed}. Subscriptions use the workload name as queue group, so copies of
 * a function share the load. Nothing blocks per message in flight.
 */
public final class TriggerRouter implements FunctionTriggers, AutoCloseable {
  private static final byte[] NO_PAYLOAD = new byte[0];

  private final Connection triggers;
  private final EventPublisher events;
  private final Duration timeout;
  private final NodeMetrics metrics;
  private final Tracing tracing;
  private final Map<String, Dispatcher> byWorkload = new ConcurrentHashMap<>();
  private final Map<String, TriggerLink> links = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> runtimeNanos = new ConcurrentHashMap<>();

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
        ? SocketTriggerLink.connect(deployment.id(), triggerSocket.get(), timeout)
        : new NatsTriggerLink(deployment.session(), timeout);
    links.put(deployment.id(), link);
    Dispatcher dispatcher = triggers.createDispatcher();
    runtimeNanos.put(deployment.id(), new AtomicLong());
    for (String subject : deployment.triggerSubjects()) {
      dispatcher.subscribe(subject, deployment.name(), msg -> {
        // a burst of triggers goes to the agent in one write, sent once the last has arrived
        boolean more = dispatcher.getPendingMessageCount() > 0;
        trigger(deployment, more ? link::callLater : link::call, msg);
        if (!more) {
          link.flush();
        }
      });
    }
    byWorkload.put(deployment.id(), dispatcher);
  }

  @Override
  public void unroute(String workloadId) {
    Dispatcher dispatcher = byWorkload.remove(workloadId);
    runtimeNanos.remove(workloadId);
    if (dispatcher != null && triggers.getStatus() == Connection.Status.CONNECTED) {
      triggers.closeDispatcher(dispatcher);
    }
    TriggerLink link = links.remove(workloadId);
    if (link != null) {
      link.close();
    }
  }

  /** Total time the function has run, for {@code node info}'s runtime column. */
  public Duration runtime(String workloadId) {
    AtomicLong total = runtimeNanos.get(workloadId);
    return Duration.ofNanos(total == null ? 0 : total.get());
  }

  /** One way of handing a trigger to the link: now, or with the rest of a burst. */
  @FunctionalInterface
  private interface Call {
    CompletableFuture<TriggerResult> send(String subject, byte[] payload, String traceparent);
  }

  private void trigger(Deployment deployment, Call call, Message msg) {
    long started = System.nanoTime();
    // untraced (the default), a trigger makes no span and reads no header
    Span span = tracing.on() ? TriggerSpans.start(tracing, deployment, msg) : null;
    call.send(msg.getSubject(), msg.getData() == null ? NO_PAYLOAD : msg.getData(),
            span == null ? null : Tracing.traceparent(span))
        .whenComplete((result, failure) -> {
          long elapsed = System.nanoTime() - started;
          String error = failure != null ? describe(failure) : result.error();
          metrics.triggerFinished(deployment.namespace(), deployment.name(), error == null, elapsed / 1e9);
          if (span != null) {
            TriggerSpans.end(tracing, span, deployment, result, error);
          }
          if (error == null) {
            succeeded(deployment, msg, result, elapsed, span);
          } else {
            failed(deployment, msg, error, span);
          }
        });
  }

  private void succeeded(Deployment deployment, Message msg, TriggerResult result, long elapsed, Span span) {
    AtomicLong total = runtimeNanos.get(deployment.id());
    if (total != null) {
      total.addAndGet(result.runtimeNanos() < 0 ? elapsed : result.runtimeNanos());
    }
    if (msg.getReplyTo() != null) {
      if (span == null) {
        triggers.publish(msg.getReplyTo(), result.output());
      } else {
        triggers.publish(msg.getReplyTo(), Tracing.headers(span), result.output());
      }
    }
    Map<String, Object> data = eventData(deployment, msg);
    data.put("elapsed_nanos", elapsed);
    events.publish(deployment.namespace(), EventTypes.FUNCTION_EXEC_SUCCEEDED, data);
  }

  private void failed(Deployment deployment, Message msg, String error, Span span) {
    if (msg.getReplyTo() != null) {
      Headers headers = span == null ? new Headers() : Tracing.headers(span);
      triggers.publish(msg.getReplyTo(), headers.put(FunctionHeaders.ERROR, error), new byte[0]);
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
    byWorkload.keySet().forEach(this::unroute);
  }
}
