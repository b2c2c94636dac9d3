package io.nex.node.tracing;

import io.nats.client.impl.Headers;
import io.nex.api.agent.AgentSpan;
import io.nex.api.trace.TraceParent;
import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node's traces (Nex's {@code otel_traces}): the OpenTelemetry SDK with one exporter chosen by
 * {@code otel_traces_exporter}, batching spans off the threads that end them. Off by default, and
 * then {@link #on()} is false and the hot paths (triggers) make no span at all; the deploy path
 * uses the API's no-op tracer instead, which costs nothing worth sparing there.
 *
 * <p>Contexts travel as W3C {@code traceparent}/{@code tracestate} NATS headers: a request that
 * carries one continues its caller's trace, one that does not starts a trace. Spans the agent
 * recorded for a trigger ({@link AgentSpan}) come back with its result and are exported here,
 * under the same trace.
 */
public final class Tracing implements AutoCloseable {
  static final String SCOPE = "io.nex.node";
  private static final Duration EXPORT_DELAY = Duration.ofSeconds(1);
  private static final int QUEUED_SPANS = 32_768;
  private static final int BATCH_SPANS = 2048;
  private static final Tracer NOOP = OpenTelemetry.noop().getTracer(SCOPE);
  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Headers carrier, String key) {
      return carrier == null ? null : carrier.getFirst(key);
    }
  };

  private final SdkTracerProvider provider;
  private final SpanProcessor processor;
  private final Tracer tracer;
  private final Resource agentResource;

  private Tracing(SdkTracerProvider provider, SpanProcessor processor, Resource agentResource) {
    this.provider = provider;
    this.processor = processor;
    this.tracer = provider == null ? NOOP : provider.get(SCOPE);
    this.agentResource = agentResource;
  }

  public static Tracing off() {
    return new Tracing(null, null, null);
  }

  /** Tracing as the config asks: off, or on with its exporter (the config has refused what cannot be). */
  public static Tracing start(NodeConfig config, String nodeId) throws ConfigException {
    if (!config.otelTraces()) {
      return off();
    }
    return start(TraceExporters.create(config), nodeId);
  }

  static Tracing start(SpanExporter exporter, String nodeId) {
    Resource node = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), "nex-node", AttributeKey.stringKey("nex.node_id"), nodeId)));
    Resource agent = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), "nex-agent", AttributeKey.stringKey("nex.node_id"), nodeId)));
    // a busy function makes three spans a trigger: tens of thousands a second, more than the SDK's default queue of 2048
    SpanProcessor processor = BatchSpanProcessor.builder(exporter).setScheduleDelay(EXPORT_DELAY)
        .setMaxQueueSize(QUEUED_SPANS).setMaxExportBatchSize(BATCH_SPANS).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(node)
        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
        .addSpanProcessor(processor)
        .build();
    return new Tracing(provider, processor, agent);
  }

  /** Whether spans are recorded at all; when false, no span need be made. */
  public boolean on() {
    return provider != null;
  }

  /** For steps inside a span made current; a no-op tracer when tracing is off. */
  public Tracer tracer() {
    return tracer;
  }

  /** Starts a step below the current span (a no-op step when tracing is off); close it when the step is done. */
  public Step step(String name) {
    return new Step(tracer.spanBuilder(name).startSpan());
  }

  /**
   * Starts the span of a message that arrived: in the trace of the context in its headers when it
   * carries one, else in a new trace. Only when {@link #on()}.
   */
  public Span received(String name, SpanKind kind, Headers headers) {
    Context parent = headers == null || headers.isEmpty() ? Context.root()
        : W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
  }

  /** The span's context as a {@code traceparent} value. */
  public static String traceparent(Span span) {
    SpanContext context = span.getSpanContext();
    return new TraceParent(context.getTraceId(), context.getSpanId(), context.isSampled()).header();
  }

  /** Headers that carry the span's context ({@code traceparent}, {@code tracestate}): a reply's, so the caller finds the trace. */
  public static Headers headers(Span span) {
    return inject(span, new Headers());
  }

  /** Adds the span's context to {@code headers} (a signed reply's, say) and returns them. */
  public static Headers inject(Span span, Headers headers) {
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, Headers::put);
    return headers;
  }

  /** Exports the spans the agent recorded below {@code parent} (ids are the agent's, the trace is the parent's). */
  public void relay(Span parent, String sandboxId, List<AgentSpan> spans) {
    if (processor == null || spans.isEmpty()) {
      return;
    }
    for (AgentSpan span : spans) {
      processor.onEnd(new RelayedSpan(span, parent.getSpanContext(), sandboxId, agentResource));
    }
  }

  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
