package io.nex.node.session;

import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.FunctionChange;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.agent.RemoveFunctionRequest;
import io.nex.api.trace.TraceParent;
import io.nex.api.agent.WorkloadEvent;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.workload.Artifact;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's conversation with the agent of one sandbox, and its only owner: the state the agent
 * is in ({@link SessionState}), typed calls (deploy, undeploy, ping, trigger; a function host's
 * adds and removes, over its socket once the node holds it), and what the agent
 * says (logs, events) and when its sandbox exits, handed to the current {@link SessionListener}.
 * Calls that find nobody listening are sent again within their own deadline and then fail with
 * "agent of sandbox X is not connected" ({@link Exchange}); such a reply never passes for an
 * answer. Readiness follows the wire: it is revoked when the node's connection drops or a call
 * finds nobody, and given back by a re-handshake or an answered call.
 */
public final class AgentSession {
  private static final byte[] EMPTY = new byte[0];
  private static final long SOCKET_DEADLINE_SLACK_MILLIS = 1000;

  private final Sandbox sandbox;
  private final AgentTransport transport;
  private final ScheduledExecutorService timers;
  private final Runnable readyAgain;
  private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.STARTING);
  private final Exchange.Reachability reachability = new Exchange.Reachability() {
    @Override
    public void unreachable() {
      state.compareAndSet(SessionState.READY, SessionState.DISCONNECTED);
    }

    @Override
    public void answered() {
      if (state.compareAndSet(SessionState.DISCONNECTED, SessionState.READY)) {
        readyAgain.run();
      }
    }
  };
  private volatile SessionListener listener = SessionListener.NONE;
  private volatile HostSocket hostSocket;
  private volatile boolean handshaken;

  /** {@code readyAgain} runs whenever the session becomes ready (the pool waits for that). */
  AgentSession(Sandbox sandbox, AgentTransport transport, ScheduledExecutorService timers, Runnable readyAgain) {
    this.sandbox = sandbox;
    this.transport = transport;
    this.timers = timers;
    this.readyAgain = readyAgain;
    sandbox.onExit().thenAccept(code -> {
      state.set(SessionState.GONE);
      listener.exited(code);
    });
  }

  public String id() {
    return sandbox.id();
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  public SessionState state() {
    return state.get();
  }

  /** Whether the agent ever handshook (a session that is gone remembers it). */
  public boolean hasHandshaken() {
    return handshaken;
  }

  /** From now on what the agent says, and its exit, go to {@code listener}. */
  public void listen(SessionListener listener) {
    this.listener = listener;
  }

  /** Answers when the agent answers; a no-answer or a no-responder revokes readiness. */
  public CompletableFuture<Void> ping(Duration timeout) {
    return call(AgentCall.PING, null, EMPTY, timeout, false)
        .whenComplete((reply, failure) -> {
          if (failure != null) {
            reachability.unreachable();
          }
        })
        .thenApply(reply -> null);
  }

  /**
   * Hands the agent its workload. The future completes with the agent's answer (accepted or
   * refused, with its reason), or fails with an {@link AgentCallException}. Sent again if an
   * attempt stays unanswered: the agent answers a repeated deploy as it answered the first.
   */
  public CompletableFuture<DeployAck> deploy(AgentDeployRequest request, Duration timeout) {
    return acknowledged(call(AgentCall.DEPLOY, null, Json.write(request), timeout, true).thenApply(AgentReply::data));
  }

  /**
   * Hands a function host one more function (ours); answers as {@link #deploy} does. Over the
   * internal server it is sent again on silence just the same (the host answers a repeated add as
   * it answered the first); over the host's socket ({@link #changesOver}) once, as a stream keeps it.
   */
  public CompletableFuture<DeployAck> addFunction(AddFunctionRequest request, Duration timeout) {
    return changed(AgentCall.ADD_FUNCTION, FunctionChange.Kind.ADD, Json.write(request), timeout);
  }

  /**
   * Asks a function host to let one function go (ours); the others stay. A removal is idempotent,
   * so it is sent again on silence too.
   */
  public CompletableFuture<DeployAck> removeFunction(String functionId, Duration timeout) {
    return changed(AgentCall.REMOVE_FUNCTION, FunctionChange.Kind.REMOVE,
        Json.write(new RemoveFunctionRequest(functionId)), timeout);
  }

  /**
   * From now on the host's adds and removes go over {@code socket}, in order with its triggers,
   * until {@link #socketEnded}. A remove over the socket may overtake an add still on its way over
   * the internal server; the agent then refuses that add (it never adds a function it was told to
   * remove).
   */
  public void changesOver(HostSocket socket) {
    hostSocket = socket;
  }

  /** {@code socket} ended: changes go over the internal server again (to a host about to end). */
  public void socketEnded(HostSocket socket) {
    if (hostSocket == socket) {
      hostSocket = null;
    }
  }

  private CompletableFuture<DeployAck> changed(AgentCall agentCall, FunctionChange.Kind kind, byte[] body,
      Duration timeout) {
    HostSocket socket = hostSocket;
    if (socket == null || state.get() == SessionState.GONE) {
      return acknowledged(call(agentCall, null, body, timeout, true).thenApply(AgentReply::data));
    }
    CompletableFuture<byte[]> answer = socket.change(kind, body, timeout)
        // the socket's own deadline needs its loop: this one holds even if that stopped
        .orTimeout(timeout.toMillis() + SOCKET_DEADLINE_SLACK_MILLIS, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(failure -> unwrap(failure) instanceof ClosedChannelException
            // closed before it went out (the node is stopping): the internal server still carries it
            ? call(agentCall, null, body, timeout, true).thenApply(AgentReply::data)
            : CompletableFuture.failedFuture(socketFailure(agentCall, unwrap(failure), timeout)));
    return acknowledged(answer);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private AgentCallException socketFailure(AgentCall agentCall, Throwable cause, Duration timeout) {
    if (cause instanceof TimeoutException) {
      return AgentCallException.silent(id(), agentCall, timeout.toMillis());
    }
    return new AgentCallException("agent of sandbox " + id() + " could not be asked to " + agentCall.verb() + ": "
        + cause.getMessage(), false);
  }

  private CompletableFuture<DeployAck> acknowledged(CompletableFuture<byte[]> reply) {
    return reply.thenApply(data -> {
      DeployAck ack;
      try {
        ack = Json.read(data, DeployAck.class);
      } catch (Json.MalformedJsonException e) {
        throw new CompletionException(new AgentCallException(
            "agent of sandbox " + id() + " answered nonsense: " + e.getMessage(), false));
      }
      if (ack.accepted()) {
        state.updateAndGet(s -> s == SessionState.GONE ? s : SessionState.DEPLOYED);
      }
      return ack;
    });
  }

  /**
   * Asks the agent to stop its workload. Completes normally only when the agent confirmed; a
   * no-responder is never a confirmation.
   */
  public CompletableFuture<Void> undeploy(Duration timeout) {
    return call(AgentCall.UNDEPLOY, null, EMPTY, timeout, false).thenApply(reply -> null);
  }

  /**
   * Runs the function once over the internal server (VMs); the reply carries its result.
   * {@code traceparent}, when not null, makes the agent record and return its spans.
   */
  public CompletableFuture<AgentReply> trigger(String subject, byte[] payload, String traceparent, Duration timeout) {
    Headers headers = new Headers().put(FunctionHeaders.TRIGGER_SUBJECT, subject);
    if (traceparent != null) {
      headers.put(TraceParent.HEADER, traceparent);
    }
    return call(AgentCall.TRIGGER, headers, payload, timeout, false);
  }

  /** Lets the agent fetch {@code artifact} until {@link #withdrawArtifact()} (sandboxes that do not share files). */
  public void offerArtifact(Artifact artifact) {
    transport.offerArtifact(id(), artifact);
  }

  public void withdrawArtifact() {
    transport.withdrawArtifact(id());
  }

  private CompletableFuture<AgentReply> call(AgentCall call, Headers headers, byte[] body, Duration timeout,
      boolean resendOnSilence) {
    if (state.get() == SessionState.GONE) {
      return CompletableFuture.failedFuture(new AgentCallException("sandbox " + id() + " is gone", true));
    }
    return Exchange.start(id(), call, headers, body, timeout, resendOnSilence, transport, timers, reachability);
  }

  /** The agent handshook; true for its first handshake, false when it came back after a reconnect. */
  boolean handshook() {
    handshaken = true;
    if (state.compareAndSet(SessionState.STARTING, SessionState.READY)) {
      readyAgain.run();
      return true;
    }
    reachability.answered();
    return false;
  }

  void connectionLost() {
    reachability.unreachable();
  }

  void log(AgentLogLine line) {
    listener.log(line);
  }

  void event(String type, WorkloadEvent event) {
    listener.event(type, event);
  }

  void end() {
    state.set(SessionState.GONE);
  }

  @Override
  public String toString() {
    return "AgentSession[" + id() + ", " + state.get().wireName() + "]";
  }
}
