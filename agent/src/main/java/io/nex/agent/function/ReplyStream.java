package io.nex.agent.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A command module's stdout, which is its reply. Capped, so a module that writes forever fails
 * with a reason instead of filling the agent's heap before its time runs out.
 */
final class ReplyStream extends OutputStream {
  private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
  private final long maxBytes;
  private boolean overflowed;

  ReplyStream(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (reply.size() + (long) length > maxBytes) {
      overflowed = true;
      throw new IOException("reply exceeds " + maxBytes + " bytes");
    }
    reply.write(bytes, offset, length);
  }

  boolean overflowed() {
    return overflowed;
  }

  long maxBytes() {
    return maxBytes;
  }

  byte[] bytes() {
    return reply.toByteArray();
  }
}
