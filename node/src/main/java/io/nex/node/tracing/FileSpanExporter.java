package io.nex.node.tracing;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code otel_traces_exporter: file}: each batch as one line of OTLP JSON (an
 * {@code ExportTraceServiceRequest}, the format of the OpenTelemetry Collector's
 * {@code otlpjsonfile} receiver), appended to the file. The marshaller is the OTLP exporters'
 * own, so the file says exactly what {@code http} would send.
 */
final class FileSpanExporter implements SpanExporter {
  private static final Logger LOG = LoggerFactory.getLogger(FileSpanExporter.class);

  private final Path file;
  private final OutputStream out;
  private boolean warned;

  FileSpanExporter(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      TraceRequestMarshaler.create(spans).writeJsonTo(line);
      line.write('\n');
      line.writeTo(out);
      out.flush();
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("Cannot write traces to {}: {}", file, e.getMessage());
      }
      return CompletableResultCode.ofFailure();
    }
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode shutdown() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing left to write it to
    }
    return CompletableResultCode.ofSuccess();
  }
}
