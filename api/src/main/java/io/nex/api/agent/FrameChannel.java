package io.nex.api.agent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a blocking byte channel (the trigger socket between a node and an
 * agent, ours): each frame is a big-endian {@code int} length, then that many bytes. One thread
 * reads; any thread may write, one frame at a time. A reader reads as much as the socket holds,
 * so a burst of frames costs one system call, not one per frame.
 */
public final class FrameChannel implements AutoCloseable {
  /** Room for the largest message a NATS server carries (64 MiB) and the frame's own fields. */
  public static final int MAX_FRAME_BYTES = (64 << 20) + 4096;
  private static final int BUFFER_BYTES = 64 << 10;

  private final SocketChannel channel;
  private ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES).flip();
  private final Object writeLock = new Object();

  public FrameChannel(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * The next frame, valid until the next call; null when the other side closed between frames.
   * Fails on a frame longer than {@link #MAX_FRAME_BYTES} or a connection cut inside a frame.
   */
  public ByteBuffer next() throws IOException {
    if (!fill(Integer.BYTES, true)) {
      return null;
    }
    int length = in.getInt();
    if (length < 0 || length > MAX_FRAME_BYTES) {
      throw new IOException("frame of " + length + " bytes is out of bounds (at most " + MAX_FRAME_BYTES + ")");
    }
    fill(length, false);
    ByteBuffer frame = in.slice(in.position(), length);
    in.position(in.position() + length);
    return frame;
  }

  /** Makes at least {@code bytes} readable in {@link #in}; false only at a clean end of stream. */
  private boolean fill(int bytes, boolean endAllowed) throws IOException {
    if (in.remaining() >= bytes) {
      return true;
    }
    if (in.capacity() < bytes) {
      ByteBuffer larger = ByteBuffer.allocate(Math.max(bytes, 2 * in.capacity()));
      larger.put(in).flip();
      in = larger;
    }
    in.compact();
    try {
      while (in.position() < bytes) {
        if (channel.read(in) < 0) {
          if (endAllowed && in.position() == 0) {
            return false;
          }
          throw new EOFException("connection closed inside a frame");
        }
      }
    } finally {
      in.flip();
    }
    return true;
  }

  /** Writes one frame: its length, then {@code body} from its position to its limit. */
  public void write(ByteBuffer body) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES).putInt(0, body.remaining());
    ByteBuffer[] frame = {length, body};
    synchronized (writeLock) {
      while (body.hasRemaining()) {
        channel.write(frame);
      }
    }
  }

  /** Tells the other side no more frames will come; frames may still be read. */
  public void finishWriting() throws IOException {
    synchronized (writeLock) {
      channel.shutdownOutput();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
