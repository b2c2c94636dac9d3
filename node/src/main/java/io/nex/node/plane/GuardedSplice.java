package io.nex.node.plane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One workload connection to the control plane, passed on frame by frame: what the workload
 * sends is judged by {@link ClientJudge} (refused operations never reach the server, and the
 * workload gets nats-server's own {@code -ERR} for them, put between the server's frames), what
 * the server sends passes unchanged. The workload keeps its own credentials and URL: nothing is
 * rewritten, so any NATS client works as it would against the server itself.
 */
public final class GuardedSplice {
  private static final int BUFFER_BYTES = 32 * 1024;

  private final SocketChannel workload;
  private final SocketChannel server;
  private final FrameReader fromWorkload = new FrameReader(new ClientJudge());
  private final FrameReader fromServer = new FrameReader(line -> null);
  /** Guards writes to the workload and {@link #fromServer}'s position: refusals go in between frames. */
  private final Object toWorkload = new Object();
  private final List<byte[]> pendingRefusals = new ArrayList<>();
  private final Pace pace;

  /** Paces what the workload sends (a sandbox's {@code rate_limiters.bandwidth}) before it goes on. */
  @FunctionalInterface
  public interface Pace {
    Pace NONE = bytes -> { };

    void take(int bytes) throws InterruptedException;

    /** {@link #take}, for a copying loop that can only fail with an IOException. */
    default void pass(int bytes) throws InterruptedIOException {
      try {
        take(bytes);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("the bridge is closing");
      }
    }
  }

  public GuardedSplice(SocketChannel workload, SocketChannel server, Pace pace) {
    this.workload = workload;
    this.server = server;
    this.pace = pace;
  }

  /** Workload to server, until the workload's side ends; run on a thread of its own. */
  public void workloadToServer() throws IOException {
    ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
    ByteArrayOutputStream out = new ByteArrayOutputStream(BUFFER_BYTES);
    for (int read; (read = workload.read(in)) >= 0; ) {
      pace.pass(read);
      in.flip();
      List<String> refused = new ArrayList<>();
      try {
        fromWorkload.feed(in, out, frame -> { }, refused::add);
      } catch (FrameReader.ProtocolViolation e) {
        refuse(List.of("-ERR '" + e.getMessage() + "'\r\n"));
        throw new IOException(e.getMessage());
      }
      writeAll(server, out);
      refuse(refused);
      in.clear();
    }
    server.shutdownOutput();
  }

  /** Server to workload, until the server's side ends; run on a thread of its own. */
  public void serverToWorkload() throws IOException {
    ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
    ByteArrayOutputStream out = new ByteArrayOutputStream(BUFFER_BYTES);
    while (server.read(in) >= 0) {
      in.flip();
      synchronized (toWorkload) {
        fromServer.feed(in, out, this::flushRefusals, refusal -> { });
        writeAll(workload, out);
      }
      in.clear();
    }
    workload.shutdownOutput();
  }

  private void refuse(List<String> refusals) throws IOException {
    if (refusals.isEmpty()) {
      return;
    }
    synchronized (toWorkload) {
      refusals.forEach(r -> pendingRefusals.add(r.getBytes(StandardCharsets.UTF_8)));
      if (fromServer.atBoundary()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        flushRefusals(out);
        writeAll(workload, out);
      }
    }
  }

  private void flushRefusals(ByteArrayOutputStream out) {
    pendingRefusals.forEach(out::writeBytes);
    pendingRefusals.clear();
  }

  private static void writeAll(SocketChannel to, ByteArrayOutputStream out) throws IOException {
    if (out.size() == 0) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
    while (buffer.hasRemaining()) {
      to.write(buffer);
    }
    out.reset();
  }
}
