package io.nex.agent.function;

import io.nex.api.agent.AgentSpan;
import io.nex.api.trace.TraceParent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The spans of one traced trigger in the agent: the agent's part (from the call's arrival to its
 * result), the function's run below it, and each host-service call below that. They are sent back
 * with the result ({@link AgentSpan}) and exported by the node, so the whole trigger is one trace.
 * An untraced call has no CallTrace at all: nothing here runs or allocates for it.
 *
 * <p>The function's worker finds its call's trace with {@link #current()} (set by
 * {@link Invocations} around the run), which is how a host-service call learns its parent.
 */
public final class CallTrace {
  private static final ThreadLocal<CallTrace> CURRENT = new ThreadLocal<>();

  private final TraceParent caller;
  private final String subject;
  private final String agentSpanId = TraceParent.newSpanId();
  private final String functionSpanId = TraceParent.newSpanId();
  private final long startedAt = now();
  private final List<AgentSpan> spans = new ArrayList<>(4);
  private long functionStartedAt;

  private CallTrace(TraceParent caller, String subject) {
    this.caller = caller;
    this.subject = subject;
  }

  /** The trace of a call whose context is {@code traceparent}; null when there is none (or it is unreadable). */
  public static CallTrace of(String traceparent, String subject) {
    TraceParent caller = TraceParent.parse(traceparent);
    return caller == null || !caller.sampled() ? null : new CallTrace(caller, subject);
  }

  /** The trace of the call the current thread runs, or null. */
  public static CallTrace current() {
    return CURRENT.get();
  }

  /** Sets the current thread's trace while {@code body} runs (a null trace costs nothing). */
  public static <T, E extends Exception> T within(CallTrace trace, Step<T, E> body) throws E {
    if (trace == null) {
      return body.run();
    }
    CallTrace outer = CURRENT.get();
    CURRENT.set(trace);
    try {
      return body.run();
    } finally {
      CURRENT.set(outer);
    }
  }

  /** Work done within a trace. */
  @FunctionalInterface
  public interface Step<T, E extends Exception> {
    T run() throws E;
  }

  public void functionStarted() {
    functionStartedAt = now();
  }

  public void functionEnded(String error) {
    record(new AgentSpan("function run", functionSpanId, agentSpanId, "internal", functionStartedAt, now(), error,
        Map.of("nex.trigger_subject", subject)));
  }

  /** A host-service call from the function: its context goes in the request, {@link HostCallSpan#end} records it. */
  public HostCallSpan hostCall(String service, String method) {
    return new HostCallSpan(service + "." + method, new TraceParent(caller.traceId(), TraceParent.newSpanId(), true),
        now(), Map.of("nex.host_service", service, "nex.host_service_method", method));
  }

  /** A host-service call in progress. */
  public final class HostCallSpan {
    private final String name;
    private final TraceParent context;
    private final long startedAt;
    private final Map<String, String> attributes;

    private HostCallSpan(String name, TraceParent context, long startedAt, Map<String, String> attributes) {
      this.name = name;
      this.context = context;
      this.startedAt = startedAt;
      this.attributes = attributes;
    }

    /** The header value that makes the node's handling of the call a child of this span. */
    public String traceparent() {
      return context.header();
    }

    public void end(String error) {
      record(new AgentSpan("host service " + name, context.spanId(), functionSpanId, "client", startedAt, now(), error,
          attributes));
    }
  }

  /** Ends the agent's span; returns every span of the call. */
  public List<AgentSpan> finish(String error) {
    record(new AgentSpan("agent trigger", agentSpanId, caller.spanId(), "server", startedAt, now(), error,
        Map.of("nex.trigger_subject", subject)));
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  private void record(AgentSpan span) {
    synchronized (spans) {
      spans.add(span);
    }
  }

  private static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
