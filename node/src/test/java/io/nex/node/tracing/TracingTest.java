package io.nex.node.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.agent.AgentSpan;
import io.nex.api.trace.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracingTest {
  @TempDir Path dir;

  @Test
  void offMakesNoSpans() {
    Tracing off = Tracing.off();
    assertThat(off.on()).isFalse();
    try (Step step = off.step("check request")) {
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void aReceivedContextIsContinuedAndTheAgentsSpansLandInTheSameTraceInTheFile() throws Exception {
    Path file = dir.resolve("traces.jsonl");
    Tracing tracing = Tracing.start(new FileSpanExporter(file), "NTEST");
    TraceParent caller = TraceParent.newTrace();
    Span trigger = tracing.received("function trigger", SpanKind.SERVER,
        new Headers().put(TraceParent.HEADER, caller.header()).put(TraceParent.STATE_HEADER, "vendor=1"));
    Headers reply = Tracing.headers(trigger);
    assertThat(TraceParent.parse(reply.getFirst(TraceParent.HEADER)).traceId()).isEqualTo(caller.traceId());
    assertThat(reply.getFirst(TraceParent.STATE_HEADER)).isEqualTo("vendor=1");
    String nodeSpan = trigger.getSpanContext().getSpanId();
    tracing.relay(trigger, "sandbox1", List.of(
        new AgentSpan("agent trigger", "00000000000000a1", nodeSpan, "server", 1_000, 2_000, null, Map.of()),
        new AgentSpan("function run", "00000000000000a2", "00000000000000a1", "internal", 1_100, 1_900, "threw",
            Map.of("nex.trigger_subject", "orders.eu"))));
    trigger.end();
    tracing.close();

    Map<String, JsonNode> byName = new HashMap<>();
    List<String> services = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      for (JsonNode resource : Json.mapper().readTree(line).path("resourceSpans")) {
        for (JsonNode attribute : resource.path("resource").path("attributes")) {
          if (attribute.path("key").asText().equals("service.name")) {
            services.add(attribute.path("value").path("stringValue").asText());
          }
        }
        resource.path("scopeSpans").forEach(scope -> scope.path("spans").forEach(
            span -> byName.put(span.path("name").asText(), span)));
      }
    }
    assertThat(services).contains("nex-node", "nex-agent");
    assertThat(byName.get("function trigger").path("parentSpanId").asText()).isEqualTo(caller.spanId());
    assertThat(byName.get("agent trigger").path("traceId").asText()).isEqualTo(caller.traceId());
    assertThat(byName.get("agent trigger").path("parentSpanId").asText()).isEqualTo(nodeSpan);
    assertThat(byName.get("function run").path("parentSpanId").asText()).isEqualTo("00000000000000a1");
    assertThat(byName.get("function run").path("status").path("message").asText()).isEqualTo("threw");
    assertThat(byName.get("function run").path("startTimeUnixNano").asText()).isEqualTo("1100");
  }

  @Test
  void noContextStartsATrace() throws Exception {
    Tracing tracing = Tracing.start(new FileSpanExporter(dir.resolve("t.jsonl")), "NTEST");
    Span span = tracing.received("nex deploy", SpanKind.SERVER, null);
    assertThat(span.getSpanContext().isValid()).isTrue();
    assertThat(span.getSpanContext().isSampled()).isTrue();
    span.end();
    tracing.close();
  }
}
