package io.nex.agent.function;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * How lists cross the WebAssembly boundary: each item as a little-endian u32 length followed by
 * its bytes, back to back, nothing else. Binary-safe, and a few lines to walk in C or WAT.
 */
final class FramedList {
  private FramedList() {}

  static byte[] encode(List<byte[]> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] item : items) {
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(item.length).array());
      out.writeBytes(item);
    }
    return out.toByteArray();
  }

  /** Throws IllegalArgumentException when a length runs past the end. */
  static List<byte[]> decode(byte[] framed) {
    ByteBuffer in = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> items = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 4) {
        throw new IllegalArgumentException("a framed list ends inside a length");
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        throw new IllegalArgumentException("a framed list item runs past the end");
      }
      byte[] item = new byte[(int) length];
      in.get(item);
      items.add(item);
    }
    return items;
  }
}
