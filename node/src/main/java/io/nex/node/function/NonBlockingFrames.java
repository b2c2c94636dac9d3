package io.nex.node.function;

import io.nex.api.agent.FrameChannel;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The frames of {@link FrameChannel} (a big-endian {@code int} length, then the body) over a
 * non-blocking socket that one thread, the {@link TriggerLoop}'s, reads and writes: a read
 * takes what the socket holds and hands over every whole frame, a flush writes what the socket
 * takes and keeps the rest for when it is writable again.
 */
final class NonBlockingFrames {
  private static final int BUFFER_BYTES = 64 << 10;
  private static final int MAX_GATHER = 256;

  private final SocketChannel channel;
  private ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];

  NonBlockingFrames(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
  }

  SocketChannel channel() {
    return channel;
  }

  /**
   * Reads what the socket holds and hands each whole frame to {@code frames}, valid only during
   * that call. Returns false when the other side closed between frames; fails when it closed
   * inside one, or on a frame over {@link FrameChannel#MAX_FRAME_BYTES}.
   */
  boolean read(Consumer<ByteBuffer> frames) throws IOException {
    while (true) {
      int read = channel.read(in);
      if (read < 0) {
        if (in.position() > 0) {
          throw new EOFException("connection closed inside a frame");
        }
        return false;
      }
      in.flip();
      deliver(frames);
      in.compact();
      if (read == 0) {
        return true;
      }
    }
  }

  private void deliver(Consumer<ByteBuffer> frames) throws IOException {
    while (in.remaining() >= Integer.BYTES) {
      int length = in.getInt(in.position());
      if (length < 0 || length > FrameChannel.MAX_FRAME_BYTES) {
        throw new IOException("frame of " + length + " bytes is out of bounds (at most "
            + FrameChannel.MAX_FRAME_BYTES + ")");
      }
      if (in.remaining() < Integer.BYTES + length) {
        if (in.capacity() < Integer.BYTES + length) {
          ByteBuffer larger = ByteBuffer.allocate(Math.max(Integer.BYTES + length, 2 * in.capacity()));
          larger.put(in).flip();
          in = larger;
        }
        return;
      }
      int body = in.position() + Integer.BYTES;
      frames.accept(in.slice(body, length));
      in.position(body + length);
    }
  }

  /** Queues a frame: its length, then {@code body} from its position to its limit. */
  void enqueue(ByteBuffer body) {
    out.add(ByteBuffer.allocate(Integer.BYTES).putInt(0, body.remaining()));
    out.add(body);
  }

  /** Writes what the socket takes now; true when nothing is left queued. */
  boolean flush() throws IOException {
    while (!out.isEmpty()) {
      int count = 0;
      for (ByteBuffer next : out) {
        if (count == gather.length) {
          break;
        }
        gather[count++] = next;
      }
      long written = channel.write(gather, 0, count);
      while (!out.isEmpty() && !out.peek().hasRemaining()) {
        out.poll();
      }
      Arrays.fill(gather, 0, count, null);
      if (written == 0) {
        return false;
      }
    }
    return true;
  }

  boolean hasOutput() {
    return !out.isEmpty();
  }

  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more can be done with it
    }
  }
}
