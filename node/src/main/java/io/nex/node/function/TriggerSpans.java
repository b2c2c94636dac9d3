package io.nex.node.function;

import io.nex.api.agent.TriggerResult;
import io.nex.node.tracing.Tracing;
import io.nex.node.workload.Deployment;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

/** The node's span of a traced trigger: from the message's arrival to the reply, the agent's spans below it. */
final class TriggerSpans {
  private TriggerSpans() {}

  static Span start(Tracing tracing, Deployment deployment, TriggerMessage msg) {
    return tracing.received("function trigger", SpanKind.SERVER, msg.headers())
        .setAttribute("messaging.system", "nats")
        .setAttribute("messaging.destination.name", msg.subject())
        .setAttribute("nex.namespace", deployment.namespace())
        .setAttribute("nex.workload_name", deployment.name())
        .setAttribute("nex.workload_id", deployment.id())
        .setAttribute("nex.workload_type", deployment.type());
  }

  static void end(Tracing tracing, Span span, Deployment deployment, TriggerResult result, String error) {
    if (result != null) {
      tracing.relay(span, deployment.id(), result.spans());
    }
    if (error != null) {
      span.setStatus(StatusCode.ERROR, error);
    }
    span.end();
  }
}
