package io.nex.agent.function;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.agent.AgentSpan;
import io.nex.api.trace.TraceParent;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CallTraceTest {
  private static final TraceParent NODE = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

  @Test
  void agentFunctionAndHostCallSpansChainBelowTheNodesSpan() {
    CallTrace trace = CallTrace.of(NODE.header(), "orders.eu");
    trace.functionStarted();
    CallTrace.HostCallSpan kv = trace.hostCall("kv", "get");
    TraceParent sent = TraceParent.parse(kv.traceparent());
    assertThat(sent.traceId()).isEqualTo(NODE.traceId());
    kv.end("kv is disabled on this node");
    trace.functionEnded(null);
    Map<String, AgentSpan> byName = trace.finish(null).stream()
        .collect(Collectors.toMap(AgentSpan::name, Function.identity()));

    AgentSpan agent = byName.get("agent trigger");
    AgentSpan function = byName.get("function run");
    AgentSpan call = byName.get("host service kv.get");
    assertThat(agent.parentSpanId()).isEqualTo(NODE.spanId());
    assertThat(function.parentSpanId()).isEqualTo(agent.spanId());
    assertThat(call.parentSpanId()).isEqualTo(function.spanId());
    assertThat(call.spanId()).isEqualTo(sent.spanId());
    assertThat(call.error()).isEqualTo("kv is disabled on this node");
    assertThat(call.kind()).isEqualTo("client");
    assertThat(agent.endEpochNanos()).isGreaterThanOrEqualTo(function.endEpochNanos());
    assertThat(function.startEpochNanos()).isLessThanOrEqualTo(call.startEpochNanos());
  }

  @Test
  void anUnsampledOrUnreadableContextMakesNoTrace() {
    assertThat(CallTrace.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "s")).isNull();
    assertThat(CallTrace.of("nonsense", "s")).isNull();
  }

  @Test
  void theWorkerSeesItsCallsTraceOnlyWhileItRuns() throws Exception {
    CallTrace trace = CallTrace.of(NODE.header(), "s");
    assertThat(CallTrace.current()).isNull();
    List<CallTrace> seen = CallTrace.within(trace, () -> List.of(CallTrace.current()));
    assertThat(seen).containsExactly(trace);
    assertThat(CallTrace.current()).isNull();
  }
}
