package io.nex.node.function;

import io.nats.client.impl.Headers;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.TriggerResult;
import io.nex.api.events.CloudEvent;
import io.nex.api.events.EventTypes;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.session.AgentCallException;
import io.nex.node.session.AgentSession;
import io.nex.node.tracing.Tracing;
import io.nex.node.workload.Deployment;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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
 * {@code function_exec_failed}, on the same connection as the reply: it goes out in the loop's
 * write with the burst's replies, where handing it to the node's jnats connection cost a thread
 * hand-off and a write of its own per burst, half the node's CPU per call (docs/benchmarks.md).
 * Subscriptions use the workload name as queue group, so copies of a function share the load.
 * Nothing blocks per message in flight.
 *
 * <p>Triggers are read, handed to agents, and answered by one thread, the {@link TriggerLoop},
 * on a control-plane connection of the router's own: a workload with a sandbox of its own has a
 * link of its own, the functions of a function host share the host's link (one socket), so a
 * thousand functions in ten hosts take one thread and ten sockets, and a burst of triggers to any
 * functions of one host goes to it in one write.
 */
public final class TriggerRouter implements FunctionTriggers, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerRouter.class);
  private static final byte[] NO_PAYLOAD = new byte[0];
  /** How long a route waits for the server to confirm its subscriptions before it goes on regardless. */
  private static final Duration SUBSCRIBED_WITHIN = Duration.ofSeconds(5);

  private final TriggerLoop loop;
  /** The events' {@code source}: the node's id. */
  private final String nodeId;
  private final Duration timeout;
  private final NodeMetrics metrics;
  private final Tracing tracing;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  /** By subscription id; the loop's alone. */
  private final Map<Long, Target> targets = new HashMap<>();
  /** By host id: a host's link lives as long as its socket, from its first function's route on. */
  private final Map<String, SocketTriggerLink> hostLinks = new ConcurrentHashMap<>();
  private volatile boolean closing;
  private final Map<String, AtomicLong> runtimeNanos = new ConcurrentHashMap<>();

  /**
   * Where a subscription's messages go: {@code function} names it in a host's link, null in a
   * link of one workload; {@code held}, when not null, keeps them while the agent adds the function.
   */
  private record Target(Deployment deployment, String function, TriggerLink link, HeldTriggers held) {}

  /** A workload's subscriptions, on a link of its own or its host's. */
  private record Route(Deployment deployment, TriggerLink link, boolean ownLink, List<Long> subscriptions) {
    boolean sameFunction(Route other) {
      return deployment.namespace().equals(other.deployment.namespace()) && deployment.name().equals(other.deployment.name());
    }
  }

  private TriggerRouter(TriggerConnection connection, String url, String nodeId, Duration timeout,
      NodeMetrics metrics, Tracing tracing) throws IOException {
    this.metrics = metrics;
    this.tracing = tracing;
    this.nodeId = nodeId;
    this.timeout = timeout;
    this.loop = new TriggerLoop(connection, url, this::message);
  }

  /**
   * Connects to the control plane at {@code url} (credentials in the URL, as the node's own
   * connection takes them; {@code displayUrl} is the URL without them, for the log) and starts
   * the loop; fails with the reason the connection was refused.
   */
  public static TriggerRouter start(String url, String displayUrl, String connectionName, String nodeId,
      Duration timeout, NodeMetrics metrics, Tracing tracing) throws IOException {
    TriggerConnection connection;
    try {
      connection = new TriggerConnection(url, connectionName);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
    TriggerRouter router = new TriggerRouter(connection, displayUrl, nodeId, timeout, metrics, tracing);
    router.loop.start();
    return router;
  }

  /**
   * Starts routing a deployed function's triggers to its agent: over the socket at
   * {@code triggerSocket} when there is one (the agent listens there by now), else over the
   * internal server.
   */
  @Override
  public void route(Deployment deployment, Optional<Path> triggerSocket) throws IOException {
    TriggerLink link = triggerSocket.isPresent()
        ? SocketTriggerLink.connect(deployment.id(), triggerSocket.get(), loop, timeout, () -> { })
        : new NatsTriggerLink(deployment.session(), timeout);
    subscribe(deployment, null, link, true, null);
  }

  @Override
  public void routeHosted(Deployment deployment, String hostId, Path hostSocket, Runnable socketEnded,
      CompletableFuture<?> added) throws IOException {
    SocketTriggerLink link = hostLinks.get(hostId);
    if (link != null && !added.isDone()) {
      // the server takes the subscriptions while the agent adds the function
      subscribe(deployment, deployment.id(), link, false, added);
      return;
    }
    if (!succeeded(added)) {
      return;
    }
    subscribe(deployment, deployment.id(),
        link != null ? link : hostLink(hostId, hostSocket, deployment.session(), socketEnded), false, null);
  }

  /** Waits for the add (which has a deadline of its own); false if it failed, which its caller hears of from it. */
  private static boolean succeeded(CompletableFuture<?> added) {
    try {
      added.get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Subscribes the workload's trigger subjects and waits until the server has them: the deploy's
   * {@code workload_deployed} goes out on another connection, and a caller who triggers on
   * hearing it must find the subscription there.
   */
  private void subscribe(Deployment deployment, String function, TriggerLink link, boolean ownLink,
      CompletableFuture<?> added) throws IOException {
    runtimeNanos.put(deployment.id(), new AtomicLong());
    CompletableFuture<Void> subscribed = loop.call(() -> {
      Target target = new Target(deployment, function, link, added == null ? null : new HeldTriggers());
      if (added != null) {
        added.whenComplete((ok, failure) -> loop.execute(() -> release(target, failure)));
      }
      List<Long> subscriptions = new ArrayList<>();
      for (String subject : deployment.triggerSubjects()) {
        long sid = loop.nats().subscribe(subject, deployment.name());
        targets.put(sid, target);
        subscriptions.add(sid);
      }
      routes.put(deployment.id(), new Route(deployment, link, ownLink, subscriptions));
      return serverCaughtUp();
    });
    awaitServer(subscribed, "Subscriptions", deployment.id());
  }

  /** Completes when the server has taken everything sent so far (its PONG); on the loop only. */
  private CompletableFuture<Void> serverCaughtUp() {
    CompletableFuture<Void> pong = new CompletableFuture<>();
    loop.nats().ping(() -> pong.complete(null));
    return pong;
  }

  /** Waits, up to {@link #SUBSCRIBED_WITHIN}, for the server to confirm the SUBs or UNSUBs of {@code workloadId}. */
  private static void awaitServer(CompletableFuture<Void> caughtUp, String what, String workloadId) {
    try {
      caughtUp.get(SUBSCRIBED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("{} of {} not confirmed by the server yet", what, workloadId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The host's link, connected by its first function; it goes when the host's socket ends (its sandbox is gone). */
  /** ... and the host's later adds and removes go over it ({@link AgentSession#changesOver}). */
  private SocketTriggerLink hostLink(String hostId, Path hostSocket, AgentSession host, Runnable socketEnded)
      throws IOException {
    synchronized (hostLinks) {
      SocketTriggerLink existing = hostLinks.get(hostId);
      if (existing != null) {
        return existing;
      }
      SocketTriggerLink[] self = new SocketTriggerLink[1];
      self[0] = SocketTriggerLink.connect(hostId, hostSocket, loop, timeout, () -> {
        if (self[0] != null) {
          host.socketEnded(self[0]);
        }
        if (self[0] != null && !closing && hostLinks.remove(hostId, self[0])) {
          hostEnded(self[0]);
          // on the loop, which must not wait for what the deployer does about it
          CompletableFuture.runAsync(socketEnded);
        }
      });
      hostLinks.put(hostId, self[0]);
      host.changesOver(self[0]);
      return self[0];
    }
  }

  /** No more triggers for the functions of a host whose socket ended (on the loop): they are unrouted soon anyway. */
  private void hostEnded(TriggerLink link) {
    routes.values().stream().filter(route -> route.link() == link).forEach(this::unsubscribe);
  }

  private void unsubscribe(Route route) {
    for (long sid : route.subscriptions()) {
      if (targets.remove(sid) != null) { // a host that ended had its functions' taken off already
        loop.nats().unsubscribe(sid);
      }
    }
  }

  /** Messages of a subscription just taken off are dropped here, unseen: it has no target any more. */
  private void message(long sid, String subject, String replyTo, Headers headers, byte[] payload) {
    Target target = targets.get(sid);
    if (target == null) {
      return;
    }
    TriggerMessage msg = new TriggerMessage(subject, replyTo, headers, payload == null ? NO_PAYLOAD : payload);
    if (target.held() == null || !target.held().hold(msg)) {
      trigger(target, msg);
    }
  }

  /**
   * The add of a function routed early is over (on the loop): what its triggers waited for goes
   * to it, or, if the add failed or the function was unrouted meanwhile, is answered with the
   * error a caller gets from a function that is not there.
   */
  private void release(Target target, Throwable addFailed) {
    boolean routed = addFailed == null && routes.containsKey(target.deployment().id());
    for (TriggerMessage msg : target.held().release()) {
      if (routed) {
        trigger(target, msg);
      } else {
        finished(target.deployment(), msg, null, 0, null, new IOException("the function was not deployed"));
      }
    }
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
    CompletableFuture<Void> unsubscribed = new CompletableFuture<>();
    loop.execute(() -> {
      unsubscribe(route);
      if (route.ownLink()) {
        route.link().close();
      }
      serverCaughtUp().thenRun(() -> unsubscribed.complete(null));
    });
    if (loop.inLoop()) {
      return; // the loop cannot wait for its own PONG; its triggers for the route are dropped meanwhile
    }
    // until the server has the UNSUBs it may still pick this copy of a queue group: a stopped
    // function's copy gets no trigger once unroute returns, and its neighbours get them all
    awaitServer(unsubscribed, "Unsubscribes", workloadId);
  }

  /** Total time the function has run, for {@code node info}'s runtime column. */
  public Duration runtime(String workloadId) {
    AtomicLong total = runtimeNanos.get(workloadId);
    return Duration.ofNanos(total == null ? 0 : total.get());
  }

  /** Hands a trigger to its link, on the loop: it goes out with the rest of the loop's turn. */
  private void trigger(Target target, TriggerMessage msg) {
    long started = System.nanoTime();
    Deployment deployment = target.deployment();
    // untraced (the default), a trigger makes no span and reads no header
    Span span = tracing.on() ? TriggerSpans.start(tracing, deployment, msg) : null;
    String traceparent = span == null ? null : Tracing.traceparent(span);
    target.link().call(target.function(), msg.subject(), msg.payload(), traceparent).whenComplete((result, failure) ->
        // a result read by the loop completes here at once; a timeout or a VM's answer comes from elsewhere
        loop.execute(() -> finished(deployment, msg, span, System.nanoTime() - started, result, failure)));
  }

  private void finished(Deployment deployment, TriggerMessage msg, Span span, long elapsed, TriggerResult result,
      Throwable failure) {
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
      // an answer that cannot be sent is lost, but not in silence
      LOG.warn("Could not answer a trigger of {}/{} on {}: {}", deployment.namespace(), deployment.name(),
          msg.subject(), e.getMessage());
    }
  }

  /**
   * Why the reply cannot go out, or null: the server closes a connection that publishes past its
   * {@code max_payload}, and jnats refuses to, so the caller would hear nothing. A function may
   * return more than that (its output frame allows 64 MiB).
   */
  private String oversized(TriggerMessage msg, Headers headers, byte[] output) {
    if (msg.replyTo() == null) {
      return null;
    }
    long max = loop.nats().maxPayload();
    long size = output.length + (headers == null ? 0 : headers.serializedLength());
    if (max <= 0 || size <= max) {
      return null;
    }
    return "the function's reply of " + output.length + " bytes is over the NATS server's max_payload of " + max
        + " bytes";
  }

  private void succeeded(Deployment deployment, TriggerMessage msg, TriggerResult result, long elapsed,
      Headers headers) {
    AtomicLong total = runtimeNanos.get(deployment.id());
    if (total != null) {
      total.addAndGet(result.runtimeNanos() < 0 ? elapsed : result.runtimeNanos());
    }
    if (msg.replyTo() != null) {
      loop.nats().publish(msg.replyTo(), null, headers, result.output());
    }
    Map<String, Object> data = eventData(deployment, msg);
    data.put("elapsed_nanos", elapsed);
    publishEvent(deployment.namespace(), EventTypes.FUNCTION_EXEC_SUCCEEDED, data);
  }

  private void failed(Deployment deployment, TriggerMessage msg, String error, Headers headers) {
    if (msg.replyTo() != null) {
      Headers withError = headers == null ? new Headers() : headers;
      loop.nats().publish(msg.replyTo(), null, withError.put(FunctionHeaders.ERROR, error), NO_PAYLOAD);
    }
    Map<String, Object> data = eventData(deployment, msg);
    data.put("error", error);
    publishEvent(deployment.namespace(), EventTypes.FUNCTION_EXEC_FAILED, data);
  }

  /** On the loop only, like every publish of its connection. */
  private void publishEvent(String namespace, String type, Map<String, Object> data) {
    loop.nats().publish(Subjects.event(namespace, type), null, null, CloudEvent.encode(nodeId, namespace, type, data));
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

  private static Map<String, Object> eventData(Deployment deployment, TriggerMessage msg) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("workload_name", deployment.name());
    data.put("id", deployment.id());
    data.put("trigger_subject", msg.subject());
    data.put("namespace", deployment.namespace());
    return data;
  }

  /** The node has begun to stop: the control plane's server may go first (see {@link TriggerLoop#quiesce}). */
  public void quiesce() {
    loop.quiesce();
  }

  @Override
  public void close() {
    closing = true;
    routes.keySet().forEach(this::unroute);
    hostLinks.values().forEach(SocketTriggerLink::close);
    hostLinks.clear();
    loop.close();
  }
}
