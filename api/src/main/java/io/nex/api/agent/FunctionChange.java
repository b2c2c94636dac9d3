package io.nex.api.agent;

import java.nio.ByteBuffer;

/**
 * Node → function host's agent on the trigger socket, once the node holds it (ours): an
 * {@link AddFunctionRequest} or a {@link RemoveFunctionRequest} as JSON, as the internal server
 * carries them, but in order with the triggers and without the server's two hops. Answered by the
 * {@link TriggerResult} of the same {@code id}, whose output is the agent's {@link DeployAck} as
 * JSON. Frame: {@code byte kind (}{@link TriggerCall#KIND}{@code  is a call), long id, JSON body}.
 */
public record FunctionChange(long id, Kind kind, byte[] body) {
  public enum Kind {
    ADD((byte) 1),
    REMOVE((byte) 2);

    private final byte code;

    Kind(byte code) {
      this.code = code;
    }
  }

  /** Whether a frame read from the socket is a change rather than a {@link TriggerCall}. */
  public static boolean isChange(ByteBuffer frame) {
    return frame.remaining() > 0 && frame.get(frame.position()) != TriggerCall.KIND;
  }

  public ByteBuffer encode() {
    return ByteBuffer.allocate(1 + Long.BYTES + body.length).put(kind.code).putLong(id).put(body).flip();
  }

  /** Reads a change from a frame; fails with IllegalArgumentException on a malformed one. */
  public static FunctionChange decode(ByteBuffer frame) {
    try {
      byte code = frame.get();
      Kind kind = code == Kind.ADD.code ? Kind.ADD : code == Kind.REMOVE.code ? Kind.REMOVE : null;
      if (kind == null) {
        throw new IllegalArgumentException("unknown frame kind " + code);
      }
      long id = frame.getLong();
      byte[] body = new byte[frame.remaining()];
      frame.get(body);
      return new FunctionChange(id, kind, body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed function change frame", e);
    }
  }
}
