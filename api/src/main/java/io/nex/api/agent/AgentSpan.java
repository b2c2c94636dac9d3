package io.nex.api.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nex.api.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One span the agent recorded for a traced call (the agent's part of the trigger, the function's
 * run, each host-service call), sent back with the call's result for the node to export: the
 * agent has no exporter of its own, and from inside a sandbox it could reach neither the node's
 * trace file nor a collector. The trace id is the call's. {@code kind}: internal, client or
 * server; {@code error} is null when the step succeeded.
 */
public record AgentSpan(String name, String spanId, String parentSpanId, String kind, long startEpochNanos,
    long endEpochNanos, String error, Map<String, String> attributes) {
  private static final TypeReference<List<AgentSpan>> LIST = new TypeReference<>() {};

  public static byte[] encode(List<AgentSpan> spans) {
    return Json.write(spans);
  }

  /** Reads spans; fails with IllegalArgumentException on bytes that are not a list of spans. */
  public static List<AgentSpan> decode(byte[] json) {
    try {
      return Json.mapper().readValue(json, LIST);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed agent spans: " + Json.firstLine(e.getMessage()));
    }
  }
}
