package io.nex.api.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Agent → node on the trigger socket (ours): the outcome of {@link TriggerCall} {@code id}, either
 * the function's output and how long it ran, or why it failed.
 * Frame: {@code long id, byte failed (0 or 1), long runtime ns, output or error (UTF-8)}.
 */
public record TriggerResult(long id, String error, long runtimeNanos, byte[] output) {
  private static final byte[] NONE = new byte[0];

  public static TriggerResult succeeded(long id, long runtimeNanos, byte[] output) {
    return new TriggerResult(id, null, runtimeNanos, output == null ? NONE : output);
  }

  public static TriggerResult failed(long id, String error) {
    return new TriggerResult(id, error, 0, NONE);
  }

  public boolean isFailure() {
    return error != null;
  }

  public ByteBuffer encode() {
    byte[] body = error != null ? error.getBytes(StandardCharsets.UTF_8) : output;
    return ByteBuffer.allocate(Long.BYTES + 1 + Long.BYTES + body.length)
        .putLong(id).put((byte) (error != null ? 1 : 0)).putLong(runtimeNanos).put(body).flip();
  }

  /** Reads a result from a frame; fails with IllegalArgumentException on a malformed one. */
  public static TriggerResult decode(ByteBuffer frame) {
    try {
      long id = frame.getLong();
      boolean failed = frame.get() != 0;
      long runtime = frame.getLong();
      byte[] body = new byte[frame.remaining()];
      frame.get(body);
      return failed ? failed(id, new String(body, StandardCharsets.UTF_8)) : succeeded(id, runtime, body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed trigger result frame", e);
    }
  }
}
