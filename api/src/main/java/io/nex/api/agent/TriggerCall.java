package io.nex.api.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Node → agent on the trigger socket (ours; {@code agentint.{id}.trigger} carries the same over
 * the internal server): run the function once on {@code payload}, which arrived on
 * {@code subject}. {@code id} pairs the call with its {@link TriggerResult}. {@code traceparent}
 * is the node's span for a traced trigger, null otherwise.
 * Frame: {@code long id, short subject length, subject (UTF-8), byte traceparent length (0: none),
 * traceparent (ASCII), payload}.
 */
public record TriggerCall(long id, String subject, String traceparent, byte[] payload) {
  private static final byte[] NO_TRACE = new byte[0];

  public TriggerCall(long id, String subject, byte[] payload) {
    this(id, subject, null, payload);
  }

  public ByteBuffer encode() {
    byte[] subjectBytes = subject.getBytes(StandardCharsets.UTF_8);
    byte[] trace = traceparent == null ? NO_TRACE : traceparent.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(Long.BYTES + Short.BYTES + subjectBytes.length + 1 + trace.length + payload.length)
        .putLong(id).putShort((short) subjectBytes.length).put(subjectBytes).put((byte) trace.length).put(trace)
        .put(payload).flip();
  }

  /** Reads a call from a frame; fails with IllegalArgumentException on a malformed one. */
  public static TriggerCall decode(ByteBuffer frame) {
    try {
      long id = frame.getLong();
      byte[] subject = new byte[Short.toUnsignedInt(frame.getShort())];
      frame.get(subject);
      int traceLength = Byte.toUnsignedInt(frame.get());
      String traceparent = null;
      if (traceLength > 0) {
        byte[] trace = new byte[traceLength];
        frame.get(trace);
        traceparent = new String(trace, StandardCharsets.US_ASCII);
      }
      byte[] payload = new byte[frame.remaining()];
      frame.get(payload);
      return new TriggerCall(id, new String(subject, StandardCharsets.UTF_8), traceparent, payload);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed trigger call frame", e);
    }
  }
}
