package io.nex.api.trace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C trace context ({@code traceparent: 00-{trace id}-{parent span id}-{flags}}), as it travels
 * in NATS headers and on the trigger socket. The node exports with the OpenTelemetry SDK; the CLI
 * and the agent only need to read, make and pass on ids, which is this.
 */
public record TraceParent(String traceId, String spanId, boolean sampled) {
  public static final String HEADER = "traceparent";
  public static final String STATE_HEADER = "tracestate";
  private static final String INVALID_TRACE = "00000000000000000000000000000000";
  private static final String INVALID_SPAN = "0000000000000000";

  /** A new trace, sampled, whose first span is the caller's. */
  public static TraceParent newTrace() {
    return new TraceParent(hex(16), newSpanId(), true);
  }

  /** A random span id: 16 lower-case hex digits, never all zeros. */
  public static String newSpanId() {
    return hex(8);
  }

  /** A span of this trace below this one. */
  public TraceParent child() {
    return new TraceParent(traceId, newSpanId(), sampled);
  }

  /** The context as the header value, version 00. */
  public String header() {
    return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
  }

  /** Reads a header value; null when it is absent or not a valid version-00 context (it is then ignored, as W3C says). */
  public static TraceParent parse(String header) {
    if (header == null || header.length() < 55 || header.charAt(2) != '-' || header.charAt(35) != '-'
        || header.charAt(52) != '-' || (header.length() > 55 && header.charAt(55) != '-')
        || !isHex(header, 0, 2) || header.startsWith("ff")) {
      return null;
    }
    String traceId = header.substring(3, 35);
    String spanId = header.substring(36, 52);
    if (!isHex(header, 3, 35) || !isHex(header, 36, 52) || !isHex(header, 53, 55)
        || traceId.equals(INVALID_TRACE) || spanId.equals(INVALID_SPAN)) {
      return null;
    }
    return new TraceParent(traceId, spanId, (Character.digit(header.charAt(54), 16) & 1) == 1);
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String hex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder out = new StringBuilder(bytes * 2);
    boolean zero = true;
    for (int i = 0; i < bytes; i++) {
      int b = random.nextInt(256);
      zero &= b == 0;
      out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
    }
    return zero ? hex(bytes) : out.toString();
  }
}
