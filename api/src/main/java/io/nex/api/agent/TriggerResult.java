package io.nex.api.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Agent → node on the trigger socket (ours): the outcome of {@link TriggerCall} {@code id}, either
 * the function's output and how long it ran, or why it failed; for a traced call, the spans the
 * agent recorded ({@link AgentSpan}), else none.
 * Frame: {@code long id, byte failed (0 or 1), long runtime ns, int spans length (0: none), spans
 * ({@link AgentSpan#encode}), output or error (UTF-8)}.
 */
public record TriggerResult(long id, String error, long runtimeNanos, byte[] output, List<AgentSpan> spans) {
  private static final byte[] NONE = new byte[0];

  public TriggerResult(long id, String error, long runtimeNanos, byte[] output) {
    this(id, error, runtimeNanos, output, List.of());
  }

  public static TriggerResult succeeded(long id, long runtimeNanos, byte[] output) {
    return new TriggerResult(id, null, runtimeNanos, output == null ? NONE : output);
  }

  public static TriggerResult failed(long id, String error) {
    return new TriggerResult(id, error, 0, NONE);
  }

  public TriggerResult withSpans(List<AgentSpan> recorded) {
    return new TriggerResult(id, error, runtimeNanos, output, recorded);
  }

  public boolean isFailure() {
    return error != null;
  }

  public ByteBuffer encode() {
    byte[] body = error != null ? error.getBytes(StandardCharsets.UTF_8) : output;
    byte[] traced = spans.isEmpty() ? NONE : AgentSpan.encode(spans);
    return ByteBuffer.allocate(Long.BYTES + 1 + Long.BYTES + Integer.BYTES + traced.length + body.length)
        .putLong(id).put((byte) (error != null ? 1 : 0)).putLong(runtimeNanos).putInt(traced.length).put(traced)
        .put(body).flip();
  }

  /** Reads a result from a frame; fails with IllegalArgumentException on a malformed one. */
  public static TriggerResult decode(ByteBuffer frame) {
    try {
      long id = frame.getLong();
      boolean failed = frame.get() != 0;
      long runtime = frame.getLong();
      int tracedLength = frame.getInt();
      List<AgentSpan> spans = List.of();
      if (tracedLength > 0) {
        byte[] traced = new byte[tracedLength];
        frame.get(traced);
        spans = AgentSpan.decode(traced);
      }
      byte[] body = new byte[frame.remaining()];
      frame.get(body);
      TriggerResult result = failed ? failed(id, new String(body, StandardCharsets.UTF_8)) : succeeded(id, runtime, body);
      return spans.isEmpty() ? result : result.withSpans(spans);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed trigger result frame", e);
    }
  }
}
