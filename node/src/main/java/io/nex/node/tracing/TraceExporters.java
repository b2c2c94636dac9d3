package io.nex.node.tracing;

import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.nio.file.Path;

/** The exporter {@code otel_traces_exporter} names. */
final class TraceExporters {
  static final String FILE_NAME = "traces.jsonl";
  static final String DEFAULT_OTLP_URL = "http://127.0.0.1:4318/v1/traces";

  private TraceExporters() {}

  static SpanExporter create(NodeConfig config) throws ConfigException {
    return switch (config.otelTracesExporter()) {
      case "file" -> file(config.resourceDir().resolve(FILE_NAME));
      case "http" -> OtlpHttpSpanExporter.builder()
          .setEndpoint(config.otlpExporterUrl() == null ? DEFAULT_OTLP_URL : config.otlpExporterUrl())
          .build();
      // refused by the loader already; kept exhaustive so a new name cannot slip through
      default -> throw new ConfigException("otel_traces_exporter \"" + config.otelTracesExporter() + "\" is not supported");
    };
  }

  private static SpanExporter file(Path path) throws ConfigException {
    try {
      return new FileSpanExporter(path);
    } catch (IOException e) {
      throw new ConfigException("cannot open the trace file " + path + ": " + e.getMessage());
    }
  }
}
