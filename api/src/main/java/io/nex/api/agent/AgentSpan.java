package io.nex.api.agent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One span the agent recorded for a traced call (the agent's part of the trigger, the function's
 * run, each host-service call), sent back with the call's result for the node to export: the
 * agent has no exporter of its own, and from inside a sandbox it could reach neither the node's
 * trace file nor a collector. The trace id is the call's. {@code kind}: internal, client or
 * server; {@code error} is null when the step succeeded.
 *
 * <p>Encoded in binary, not JSON: the agent runs C1 only, and every traced trigger pays for it
 * (JSON cost ~4.6 µs per trigger there for two spans, encoding and decoding).
 * Encoding: {@code short count}, then per span: name, span id, parent span id, kind (modified
 * UTF-8 strings), {@code long start, long end} (epoch ns), {@code boolean failed} [error],
 * {@code short attribute count}, keys and values.
 */
public record AgentSpan(String name, String spanId, String parentSpanId, String kind, long startEpochNanos,
    long endEpochNanos, String error, Map<String, String> attributes) {

  public static byte[] encode(List<AgentSpan> spans) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 96 * spans.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(spans.size());
      for (AgentSpan span : spans) {
        out.writeUTF(span.name);
        out.writeUTF(span.spanId);
        out.writeUTF(span.parentSpanId);
        out.writeUTF(span.kind);
        out.writeLong(span.startEpochNanos);
        out.writeLong(span.endEpochNanos);
        out.writeBoolean(span.error != null);
        if (span.error != null) {
          out.writeUTF(span.error.length() > 4096 ? span.error.substring(0, 4096) : span.error);
        }
        Map<String, String> attributes = span.attributes == null ? Map.of() : span.attributes;
        out.writeShort(attributes.size());
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
          out.writeUTF(attribute.getKey());
          out.writeUTF(attribute.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  /** Reads spans; fails with IllegalArgumentException on bytes that are not spans. */
  public static List<AgentSpan> decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int count = in.readUnsignedShort();
      List<AgentSpan> spans = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        String spanId = in.readUTF();
        String parentSpanId = in.readUTF();
        String kind = in.readUTF();
        long start = in.readLong();
        long end = in.readLong();
        String error = in.readBoolean() ? in.readUTF() : null;
        int attributeCount = in.readUnsignedShort();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int a = 0; a < attributeCount; a++) {
          attributes.put(in.readUTF(), in.readUTF());
        }
        spans.add(new AgentSpan(name, spanId, parentSpanId, kind, start, end, error, attributes));
      }
      if (in.available() > 0) {
        throw new IOException("trailing bytes");
      }
      return spans;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed agent spans: " + e.getMessage());
    }
  }
}
