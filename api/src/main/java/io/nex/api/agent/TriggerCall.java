package io.nex.api.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Node → agent on the trigger socket (ours; {@code agentint.{id}.trigger} carries the same over
 * the internal server): run the function once on {@code payload}, which arrived on
 * {@code subject}. {@code id} pairs the call with its {@link TriggerResult}.
 * Frame: {@code long id, short subject length, subject (UTF-8), payload}.
 */
public record TriggerCall(long id, String subject, byte[] payload) {
  public ByteBuffer encode() {
    byte[] subjectBytes = subject.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Long.BYTES + Short.BYTES + subjectBytes.length + payload.length)
        .putLong(id).putShort((short) subjectBytes.length).put(subjectBytes).put(payload).flip();
  }

  /** Reads a call from a frame; fails with IllegalArgumentException on a malformed one. */
  public static TriggerCall decode(ByteBuffer frame) {
    try {
      long id = frame.getLong();
      byte[] subject = new byte[Short.toUnsignedInt(frame.getShort())];
      frame.get(subject);
      byte[] payload = new byte[frame.remaining()];
      frame.get(payload);
      return new TriggerCall(id, new String(subject, StandardCharsets.UTF_8), payload);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed trigger call frame", e);
    }
  }
}
