package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.Subjects;
import io.nex.agent.function.CallTrace;
import io.nex.api.agent.AgentSpan;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.trace.TraceParent;
import java.util.Base64;

/**
 * Triggers as {@code agentint.{id}.trigger} requests over the internal server (SPEC §5), the way
 * a VM's agent gets them; the reply carries the output and {@code x-nex-runtime-ns}, or
 * {@code x-nex-error}.
 */
final class NatsTriggers implements TriggerSource {
  private static final byte[] NO_PAYLOAD = new byte[0];

  private final Connection connection;
  private final FunctionHost host;
  private final Dispatcher dispatcher;

  NatsTriggers(Connection connection, String sandboxId, FunctionHost host) {
    this.connection = connection;
    this.host = host;
    this.dispatcher = connection.createDispatcher(this::start);
    dispatcher.subscribe(Subjects.agentTrigger(sandboxId));
  }

  private void start(Message trigger) {
    Headers asked = trigger.getHeaders();
    String subject = asked == null ? null : asked.getFirst(FunctionHeaders.TRIGGER_SUBJECT);
    String traceparent = asked == null ? null : asked.getFirst(TraceParent.HEADER);
    CallTrace trace = traceparent == null ? null : CallTrace.of(traceparent, subject == null ? "" : subject);
    host.run(subject == null ? "" : subject, trigger.getData() == null ? NO_PAYLOAD : trigger.getData(), trace,
        (output, runtimeNanos, error) -> {
          if (trigger.getReplyTo() == null) {
            return;
          }
          Headers headers = error == null
              ? new Headers().put(FunctionHeaders.RUNTIME_NS, Long.toString(runtimeNanos))
              : new Headers().put(FunctionHeaders.ERROR, error);
          if (trace != null) {
            headers.put(FunctionHeaders.SPANS, Base64.getEncoder().encodeToString(AgentSpan.encode(trace.finish(error))));
          }
          connection.publish(trigger.getReplyTo(), headers, output);
        });
  }

  @Override
  public void close() {
    if (connection.getStatus() == Connection.Status.CONNECTED) {
      connection.closeDispatcher(dispatcher);
    }
  }
}
