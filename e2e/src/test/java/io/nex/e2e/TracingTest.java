package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.AuctionRequest;
import io.nex.api.trace.TraceParent;
import io.nex.node.natsserver.NatsServerProcess;
import io.nex.testkit.Cli;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code otel_traces}: a trigger is one trace from the node through the agent and the function to
 * each host-service call and back, a deploy a trace of its own with its steps; the file exporter
 * writes OTLP JSON lines, the http exporter sends OTLP/HTTP protobuf (to a receiver this test
 * runs). Two nodes, one per exporter, shared by the tests.
 */
class TracingTest {
  @TempDir static Path fileDir;
  @TempDir static Path httpDir;
  static OneNode fileNode;
  static OneNode httpNode;
  static HttpServer receiver;
  static int metricsPort;
  static final List<SpanSeen> received = new CopyOnWriteArrayList<>();
  static final Path KV_JS = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/functions/kv.js");

  /** What the tests look at in an exported span. */
  record SpanSeen(String traceId, String spanId, String parentSpanId, String name, String service) {}

  @BeforeAll
  static void start() throws Exception {
    int port = NatsServerProcess.freePort();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    receiver.createContext("/v1/traces", exchange -> {
      try (exchange; InputStream body = exchange.getRequestBody()) {
        received.addAll(decode(ExportTraceServiceRequest.parseFrom(body)));
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    receiver.start();
    fileNode = OneNode.start(fileDir, "\"otel_traces\": true, \"otel_traces_exporter\": \"file\"", 1);
    metricsPort = NatsServerProcess.freePort();
    // this node also takes Nex's metrics keys: the prometheus exporter on otel_metrics_port
    httpNode = OneNode.start(httpDir, "\"otel_traces\": true, \"otel_traces_exporter\": \"http\", "
        + "\"otlp_exporter_url\": \"http://127.0.0.1:" + port + "/v1/traces\", \"otel_metrics\": true, "
        + "\"otel_metrics_exporter\": \"prometheus\", \"otel_metrics_port\": " + metricsPort, 1);
    deployKvFunction(fileNode, "traced.fn");
    deployKvFunction(httpNode, "traced.http");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (fileNode != null) {
        fileNode.close();
      }
      if (httpNode != null) {
        httpNode.close();
      }
    } finally {
      if (receiver != null) {
        receiver.stop(0);
      }
    }
  }

  private static void deployKvFunction(OneNode one, String subject) throws Exception {
    DeployClient client = one.client();
    Envelope deployed = client.deploy("default", one.node().nodeId(), client.functionRequest("tracedfn", "javascript",
        client.upload("tracedfn", KV_JS), DeployClient.sha256(KV_JS), one.node().nodeId(), List.of(subject)));
    assertThat(deployed.error()).as(one.node().log()).isNull();
  }

  @Test
  void cliRequestToAFunctionIsOneTraceThroughNodeAgentFunctionAndHostServices() throws Exception {
    Cli.Result req = Cli.run("req", "traced.fn", "hello", "--trace", "-s", fileNode.controlPlane().url(),
        "--timeout", "10s");
    assertThat(req.exitCode()).as(req.stderr()).isZero();
    assertThat(req.stdout()).contains("\"stored\":\"hello\"");
    String traceId = req.stderr().lines().filter(l -> l.startsWith("trace id: ")).findFirst()
        .map(l -> l.substring("trace id: ".length())).orElseThrow();
    assertThat(traceId).matches("[0-9a-f]{32}");

    Path file = fileNode.resources().resolve("traces.jsonl");
    List<SpanSeen> trace = await().atMost(Duration.ofSeconds(20))
        .until(() -> inTrace(fromFile(file), traceId), spans -> spans.size() >= 9);
    assertTriggerChain(trace);
  }

  @Test
  void deployIsATraceOfItsOwnWithItsSteps() throws Exception {
    Path file = fileNode.resources().resolve("traces.jsonl");
    List<SpanSeen> all = await().atMost(Duration.ofSeconds(20)).until(() -> fromFile(file),
        spans -> spans.stream().anyMatch(s -> s.name().equals("activate")));
    SpanSeen request = all.stream().filter(s -> s.name().equals("nex deploy")).findFirst().orElseThrow();
    List<SpanSeen> trace = inTrace(all, request.traceId());
    // the deploy came without a context: its request span starts the trace
    assertThat(request.parentSpanId()).isEmpty();
    SpanSeen deploy = one(trace, "deploy workload");
    assertThat(deploy.parentSpanId()).isEqualTo(request.spanId());
    // a function: it goes into a function host (a sandbox taken from the pool when it is the first)
    for (String step : List.of("check request", "fetch artifact", "place in host", "stage artifact", "agent start",
        "route triggers", "activate")) {
      assertThat(one(trace, step).parentSpanId()).as(step).isEqualTo(deploy.spanId());
    }
    assertThat(trace).noneMatch(s -> s.name().equals("function trigger"));
  }

  @Test
  void anAuctionContinuesTheCallersTraceAndItsBidCarriesTheContextBack() throws Exception {
    TraceParent caller = TraceParent.newTrace();
    Message bid = fileNode.connection().request(io.nats.client.impl.NatsMessage.builder().subject(Subjects.auction())
        .headers(new Headers().put(TraceParent.HEADER, caller.header()))
        .data(Json.write(AuctionRequest.forWorkload("javascript", Map.of(), 100))).build(), Duration.ofSeconds(10));
    assertThat(Json.read(bid.getData(), Envelope.class).failed()).isFalse();
    TraceParent answered = TraceParent.parse(bid.getHeaders().getFirst(TraceParent.HEADER));
    assertThat(answered.traceId()).isEqualTo(caller.traceId());
    Path file = fileNode.resources().resolve("traces.jsonl");
    List<SpanSeen> trace = await().atMost(Duration.ofSeconds(20))
        .until(() -> inTrace(fromFile(file), caller.traceId()), spans -> !spans.isEmpty());
    SpanSeen auction = one(trace, "nex auction");
    assertThat(auction.parentSpanId()).isEqualTo(caller.spanId());
    assertThat(auction.spanId()).isEqualTo(answered.spanId());
  }

  @Test
  void otlpHttpReceiverGetsTheSameSpansAndTheReplyCarriesTheContext() throws Exception {
    TraceParent caller = TraceParent.newTrace();
    Message reply = httpNode.connection().request(io.nats.client.impl.NatsMessage.builder()
        .subject("traced.http").headers(new Headers().put(TraceParent.HEADER, caller.header()))
        .data("over http".getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(10));
    assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("\"stored\":\"over http\"");
    TraceParent answered = TraceParent.parse(reply.getHeaders().getFirst(TraceParent.HEADER));
    assertThat(answered.traceId()).isEqualTo(caller.traceId());

    List<SpanSeen> trace = await().atMost(Duration.ofSeconds(20))
        .until(() -> inTrace(received, caller.traceId()), spans -> spans.size() >= 9);
    assertTriggerChain(trace);
    SpanSeen node = one(trace, "function trigger");
    assertThat(node.parentSpanId()).isEqualTo(caller.spanId());
    assertThat(node.spanId()).isEqualTo(answered.spanId());
  }

  @Test
  void otelMetricsPrometheusServesPerFunctionSeriesOnItsPort() throws Exception {
    assertThat(httpNode.connection().request("traced.http", "count me".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(10))).isNotNull();
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).containsPattern(
        "nex_function_calls_total\\{namespace=\"default\",outcome=\"success\",workload=\"tracedfn\"} [1-9]")
        .contains("nex_function_call_duration_seconds_count{namespace=\"default\",workload=\"tracedfn\"}");
  }

  /**
   * node "function trigger" → agent "agent trigger" → "function run" → three agent-side
   * "host service kv.*" calls, each → the node's "host service kv.*" span.
   */
  private static void assertTriggerChain(List<SpanSeen> trace) {
    SpanSeen node = one(trace, "function trigger");
    assertThat(node.service()).isEqualTo("nex-node");
    SpanSeen agent = one(trace, "agent trigger");
    assertThat(agent.service()).isEqualTo("nex-agent");
    assertThat(agent.parentSpanId()).isEqualTo(node.spanId());
    SpanSeen function = one(trace, "function run");
    assertThat(function.parentSpanId()).isEqualTo(agent.spanId());
    Map<String, SpanSeen> byId = trace.stream().collect(Collectors.toMap(SpanSeen::spanId, Function.identity()));
    for (String method : List.of("set", "get", "keys")) {
      List<SpanSeen> calls = trace.stream().filter(s -> s.name().equals("host service kv." + method)).toList();
      assertThat(calls).as(method).hasSize(2);
      SpanSeen client = calls.stream().filter(s -> s.service().equals("nex-agent")).findFirst().orElseThrow();
      SpanSeen server = calls.stream().filter(s -> s.service().equals("nex-node")).findFirst().orElseThrow();
      assertThat(client.parentSpanId()).isEqualTo(function.spanId());
      assertThat(server.parentSpanId()).isEqualTo(client.spanId());
      assertThat(byId).containsKey(server.parentSpanId());
    }
  }

  private static SpanSeen one(List<SpanSeen> trace, String name) {
    List<SpanSeen> named = trace.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(named).as(name + " in " + trace).hasSize(1);
    return named.get(0);
  }

  private static List<SpanSeen> inTrace(List<SpanSeen> spans, String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** The file exporter's lines: each an OTLP/JSON ExportTraceServiceRequest. */
  private static List<SpanSeen> fromFile(Path file) throws IOException {
    List<SpanSeen> spans = new ArrayList<>();
    if (!Files.exists(file)) {
      return spans;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      for (JsonNode resource : Json.mapper().readTree(line).path("resourceSpans")) {
        String service = "";
        for (JsonNode attribute : resource.path("resource").path("attributes")) {
          if (attribute.path("key").asText().equals("service.name")) {
            service = attribute.path("value").path("stringValue").asText();
          }
        }
        for (JsonNode scope : resource.path("scopeSpans")) {
          for (JsonNode span : scope.path("spans")) {
            spans.add(new SpanSeen(span.path("traceId").asText(), span.path("spanId").asText(),
                span.path("parentSpanId").asText(""), span.path("name").asText(), service));
          }
        }
      }
    }
    return spans;
  }

  private static List<SpanSeen> decode(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    List<SpanSeen> spans = new ArrayList<>();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = resource.getResource().getAttributesList().stream()
          .filter(a -> a.getKey().equals("service.name")).map(a -> a.getValue().getStringValue()).findFirst().orElse("");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
          spans.add(new SpanSeen(hex.formatHex(span.getTraceId().toByteArray()),
              hex.formatHex(span.getSpanId().toByteArray()), hex.formatHex(span.getParentSpanId().toByteArray()),
              span.getName(), service));
        }
      }
    }
    return spans;
  }
}
