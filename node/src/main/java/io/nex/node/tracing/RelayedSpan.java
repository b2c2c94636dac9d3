package io.nex.node.tracing;

import io.nex.api.agent.AgentSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span the agent recorded, as the SDK's span processor takes a finished span: its ids and
 * times are the agent's, its trace the node span's it ran under. Handing it to the same
 * processor as the node's own spans puts both in the same batches and the same exporter.
 */
final class RelayedSpan implements ReadableSpan, SpanData {
  private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.nex.agent");

  private final AgentSpan span;
  private final SpanContext context;
  private final SpanContext parent;
  private final Attributes attributes;
  private final Resource resource;

  RelayedSpan(AgentSpan span, SpanContext under, String sandboxId, Resource resource) {
    this.span = span;
    this.context = SpanContext.create(under.getTraceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    this.parent = span.parentSpanId().equals(under.getSpanId()) ? under
        : SpanContext.create(under.getTraceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
    AttributesBuilder builder = Attributes.builder().put("nex.sandbox_id", sandboxId);
    if (span.attributes() != null) {
      span.attributes().forEach(builder::put);
    }
    this.attributes = builder.build();
    this.resource = resource;
  }

  @Override
  public String getName() {
    return span.name();
  }

  @Override
  public SpanKind getKind() {
    return switch (span.kind() == null ? "" : span.kind()) {
      case "server" -> SpanKind.SERVER;
      case "client" -> SpanKind.CLIENT;
      default -> SpanKind.INTERNAL;
    };
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public StatusData getStatus() {
    return span.error() == null ? StatusData.ok() : StatusData.create(StatusCode.ERROR, span.error());
  }

  @Override
  public long getStartEpochNanos() {
    return span.startEpochNanos();
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }

  @Override
  public List<EventData> getEvents() {
    return List.of();
  }

  @Override
  public List<LinkData> getLinks() {
    return List.of();
  }

  @Override
  public long getEndEpochNanos() {
    return span.endEpochNanos();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return span.endEpochNanos() - span.startEpochNanos();
  }

  @Override
  public int getTotalRecordedEvents() {
    return 0;
  }

  @Override
  public int getTotalRecordedLinks() {
    return 0;
  }

  @Override
  public int getTotalAttributeCount() {
    return attributes.size();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return SCOPE;
  }

  @Override
  @SuppressWarnings("deprecation") // still abstract in both interfaces
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.create(SCOPE.getName(), null);
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public SpanData toSpanData() {
    return this;
  }
}
