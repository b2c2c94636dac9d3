package io.nex.api.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trigger frames with and without a trace: an untraced frame grows by 1 byte (call) and 4 (result), no more. */
class TracedFramesTest {
  private static final String CONTEXT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aCallCarriesItsTraceparentOrNone() {
    TriggerCall traced = TriggerCall.decode(new TriggerCall(7, "orders.eu", CONTEXT, "p".getBytes(UTF_8)).encode());
    assertThat(traced.traceparent()).isEqualTo(CONTEXT);
    assertThat(traced.subject()).isEqualTo("orders.eu");
    assertThat(traced.payload()).isEqualTo("p".getBytes(UTF_8));
    TriggerCall plain = TriggerCall.decode(new TriggerCall(8, "orders.eu", "p".getBytes(UTF_8)).encode());
    assertThat(plain.traceparent()).isNull();
    assertThat(new TriggerCall(8, "orders.eu", "p".getBytes(UTF_8)).encode().remaining())
        .isEqualTo(1 + Long.BYTES + 1 + Short.BYTES + "orders.eu".length() + 1 + 1);
  }

  @Test
  void aResultCarriesTheAgentsSpansOrNone() {
    AgentSpan span = new AgentSpan("function run", "00f067aa0ba902b8", "00f067aa0ba902b7", "internal", 10, 20, null,
        Map.of("nex.trigger_subject", "orders.eu"));
    AgentSpan failed = new AgentSpan("host service kv.get", "00f067aa0ba902b9", "00f067aa0ba902b8", "client", 12, 13,
        "kv is disabled on this node", Map.of());
    TriggerResult traced = TriggerResult.decode(TriggerResult.succeeded(3, 99, "out".getBytes(UTF_8))
        .withSpans(List.of(span, failed)).encode());
    assertThat(traced.spans()).containsExactly(span, failed);
    assertThat(traced.output()).isEqualTo("out".getBytes(UTF_8));
    assertThat(traced.runtimeNanos()).isEqualTo(99);
    TriggerResult failure = TriggerResult.decode(TriggerResult.failed(4, "boom").withSpans(List.of(span)).encode());
    assertThat(failure.error()).isEqualTo("boom");
    assertThat(failure.spans()).containsExactly(span);
    assertThat(TriggerResult.decode(TriggerResult.succeeded(5, 1, null).encode()).spans()).isEmpty();
  }
}
