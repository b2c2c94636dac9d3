package io.nex.api.agent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Length-prefixed frames over a socket (the trigger socket between a node and an agent, ours):
 * each frame is a big-endian {@code int} length, then that many bytes. One thread reads; any
 * thread may write; both block until done. Both directions batch without waiting: a read takes as
 * much as the socket holds, and a writer that finds another thread writing leaves its frame to
 * that thread, which sends everything queued in one system call before it returns.
 *
 * <p>The socket itself is non-blocking, and a thread waits for it in a {@link Selector}: Linux
 * wakes a thread blocked in a Unix socket's {@code read} whenever the peer consumes what this side
 * wrote (the wake-up is meant for writers waiting for room), so a reader that had just sent its
 * results woke once more for nothing each time the node read them. An epoll wait wakes only for
 * what it waits for.
 */
public final class FrameChannel implements AutoCloseable {
  /** Room for the largest message a NATS server carries (64 MiB) and the frame's own fields. */
  public static final int MAX_FRAME_BYTES = (64 << 20) + 4096;
  private static final int BUFFER_BYTES = 64 << 10;
  private static final int MAX_GATHER = 256;

  private final SocketChannel channel;
  private final Selector readable;
  private final Selector writable;
  private ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES).flip();
  // each entry is one frame, {length, body}: queued as one, so frames never interleave
  private final Queue<ByteBuffer[]> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean();

  /** Takes {@code channel} over: it becomes non-blocking, and is closed with this. */
  public FrameChannel(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    readable = Selector.open();
    try {
      writable = Selector.open();
    } catch (IOException e) {
      readable.close();
      throw e;
    }
    channel.register(readable, SelectionKey.OP_READ);
    channel.register(writable, SelectionKey.OP_WRITE);
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

  /**
   * Whether bytes of a further frame have been read from the socket already: the reader then
   * knows more work is here, without waiting for it. For the reading thread only.
   */
  public boolean hasBuffered() {
    return in.hasRemaining();
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
        int read = channel.read(in);
        if (read < 0) {
          if (endAllowed && in.position() == 0) {
            return false;
          }
          throw new EOFException("connection closed inside a frame");
        }
        if (read == 0) {
          await(readable);
        }
      }
    } finally {
      in.flip();
    }
    return true;
  }

  /**
   * Sends one frame: its length, then {@code body} from its position to its limit. Returns once
   * the frame is written, or handed to the thread that is writing and will write it next. Fails
   * if this thread's write failed; a frame handed over is lost with the connection, which the
   * reader then sees end.
   */
  public void write(ByteBuffer body) throws IOException {
    enqueue(body);
    flush();
  }

  /**
   * Queues a frame without sending it: a thread that knows more frames follow at once (a burst of
   * triggers) queues them all and {@link #flush flushes} once, one system call for the burst.
   */
  public void enqueue(ByteBuffer body) {
    outbox.add(new ByteBuffer[] {ByteBuffer.allocate(Integer.BYTES).putInt(0, body.remaining()), body});
  }

  /** Sends every queued frame, unless another thread is sending, which then sends them too. */
  public void flush() throws IOException {
    while (!outbox.isEmpty() && writing.compareAndSet(false, true)) {
      try {
        drain();
      } finally {
        writing.set(false);
      }
    }
  }

  private void drain() throws IOException {
    ByteBuffer[] batch = new ByteBuffer[MAX_GATHER];
    for (int count = take(batch); count > 0; count = take(batch)) {
      int first = 0;
      while (first < count) {
        if (channel.write(batch, first, count - first) == 0) {
          await(writable); // the socket's buffer is full: the other side is behind
        }
        while (first < count && !batch[first].hasRemaining()) {
          first++;
        }
      }
    }
  }

  /** Blocks until the socket is ready for what {@code selector} waits for, or this channel closes. */
  private void await(Selector selector) throws IOException {
    try {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      selector.select();
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException();
    }
  }

  private int take(ByteBuffer[] batch) {
    int count = 0;
    for (ByteBuffer[] next; count + 2 <= batch.length && (next = outbox.poll()) != null; ) {
      batch[count++] = next[0];
      batch[count++] = next[1];
    }
    return count;
  }

  /** Tells the other side no more frames will come; frames may still be read. */
  public void finishWriting() throws IOException {
    while (!writing.compareAndSet(false, true)) {
      Thread.onSpinWait();
    }
    try {
      drain();
      channel.shutdownOutput();
    } finally {
      writing.set(false);
    }
  }

  /** Closes the socket; the other side's reader sees the end. Every caller is giving up on it anyway. */
  @Override
  public void close() {
    // the selectors first: a thread waiting in one returns, and finds the channel closed
    for (AutoCloseable closeable : new AutoCloseable[] {readable, writable, channel}) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // nothing more can be done with it
      }
    }
  }
}
