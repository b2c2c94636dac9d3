package io.nex.node.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One step of a traced operation (a deploy's checks, its artifact, ...): a child span of the
 * current one, itself current until closed, so that steps nest.
 */
public final class Step implements AutoCloseable {
  private final Span span;
  private final Scope scope;

  Step(Span span) {
    this.span = span;
    this.scope = span.makeCurrent();
  }

  public Step attribute(String key, String value) {
    span.setAttribute(key, value);
    return this;
  }

  /** Marks the step failed with the reason a user is told. */
  public void failed(String reason) {
    span.setStatus(StatusCode.ERROR, reason);
  }

  @Override
  public void close() {
    scope.close();
    span.end();
  }
}
