package io.nex.api.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Node → agent on the trigger socket (ours; {@code agentint.{id}.trigger} carries the same over
 * the internal server): run the function once on {@code payload}, which arrived on
 * {@code subject}. {@code id} pairs the call with its {@link TriggerResult}. {@code function} is
 * the workload id of the function a function host is to run, null on the socket of an agent
 * with one workload. {@code traceparent} is the node's span for a traced trigger, null otherwise.
 * Frame: {@code byte kind (}{@link #KIND}{@code ; the socket carries {@link FunctionChange}s too),
 * long id, byte function length (0: none), function (ASCII), short subject length, subject (UTF-8),
 * byte traceparent length (0: none), traceparent (ASCII), payload}.
 */
public record TriggerCall(long id, String function, String subject, String traceparent, byte[] payload) {
  /** The first byte of a call's frame. */
  public static final byte KIND = 0;
  private static final byte[] NONE = new byte[0];

  /** A call on the socket of an agent with one workload. */
  public TriggerCall(long id, String subject, String traceparent, byte[] payload) {
    this(id, null, subject, traceparent, payload);
  }

  public TriggerCall(long id, String subject, byte[] payload) {
    this(id, null, subject, null, payload);
  }

  public ByteBuffer encode() {
    byte[] functionBytes = ascii(function);
    byte[] subjectBytes = subject.getBytes(StandardCharsets.UTF_8);
    byte[] trace = ascii(traceparent);
    return ByteBuffer.allocate(1 + Long.BYTES + 1 + functionBytes.length + Short.BYTES + subjectBytes.length + 1
            + trace.length + payload.length)
        .put(KIND).putLong(id).put((byte) functionBytes.length).put(functionBytes)
        .putShort((short) subjectBytes.length).put(subjectBytes).put((byte) trace.length).put(trace)
        .put(payload).flip();
  }

  private static byte[] ascii(String text) {
    return text == null ? NONE : text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads a call from a frame; fails with IllegalArgumentException on a malformed one. */
  public static TriggerCall decode(ByteBuffer frame) {
    try {
      if (frame.get() != KIND) {
        throw new IllegalArgumentException("not a trigger call");
      }
      long id = frame.getLong();
      String function = shortAscii(frame);
      byte[] subject = new byte[Short.toUnsignedInt(frame.getShort())];
      frame.get(subject);
      String traceparent = shortAscii(frame);
      byte[] payload = new byte[frame.remaining()];
      frame.get(payload);
      return new TriggerCall(id, function, new String(subject, StandardCharsets.UTF_8), traceparent, payload);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed trigger call frame", e);
    }
  }

  /** A byte of length and that many ASCII characters; null for length 0. */
  private static String shortAscii(ByteBuffer frame) {
    int length = Byte.toUnsignedInt(frame.get());
    if (length == 0) {
      return null;
    }
    byte[] text = new byte[length];
    frame.get(text);
    return new String(text, StandardCharsets.US_ASCII);
  }
}
