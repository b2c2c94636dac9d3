package io.nex.node.sandbox.namespace;

import io.nex.node.plane.GuardedSplice;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's half of a sandbox's only way out. The sandbox has a network namespace with nothing
 * but loopback; a unix socket, being a file, crosses that boundary where no packet can. For each
 * allowed port this listens on {@code {dir}/{port}.sock} (the directory is bound read-only into
 * the sandbox at {@code /run/nex}) and splices each connection to one fixed TCP destination on
 * the host. Inside, socat listens on {@code 127.0.0.1:{port}} and dials the socket, so the agent
 * and its workload use ordinary loopback URLs. The sandbox picks the port, never the
 * destination. The control plane's port is guarded: see {@link GuardedSplice}. With
 * {@code rate_limiters.bandwidth}, what the sandbox sends (all its connections together) passes a
 * {@link Throttle}.
 */
final class LoopbackBridge implements AutoCloseable {
  /** A sandbox opening connections in a loop must not take the node's threads with it. */
  static final int MAX_CONNECTIONS = 64;
  private static final int BUFFER_BYTES = 32 * 1024;

  private final String sandboxId;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
  private final Optional<Throttle> egress;

  private LoopbackBridge(String sandboxId, Optional<Throttle> egress) {
    this.sandboxId = sandboxId;
    this.egress = egress;
  }

  static Path socketName(int port) {
    return Path.of(port + ".sock");
  }

  /**
   * @param destinations the host address each sandbox-side port leads to
   * @param guarded the ports that lead to the control plane: their connections pass through
   *     {@link GuardedSplice}, which keeps a workload off the control plane's own subjects
   * @param egress what the sandbox's sending passes, if limited
   */
  static LoopbackBridge open(String sandboxId, Path dir, Map<Integer, InetSocketAddress> destinations,
      Set<Integer> guarded, Optional<Throttle> egress) throws IOException {
    LoopbackBridge bridge = new LoopbackBridge(sandboxId, egress);
    try {
      for (Map.Entry<Integer, InetSocketAddress> route : destinations.entrySet()) {
        bridge.listen(dir.resolve(socketName(route.getKey())), route.getKey(), route.getValue(),
            guarded.contains(route.getKey()));
      }
      return bridge;
    } catch (IOException | RuntimeException e) {
      bridge.close();
      throw e;
    }
  }

  private void listen(Path socket, int port, InetSocketAddress destination, boolean guarded) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listeners.add(listener);
    listener.bind(UnixDomainSocketAddress.of(socket));
    // connecting to a unix socket takes write permission, and the sandbox runs as another user
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    Thread acceptor = new Thread(() -> accept(listener, destination, guarded), "nex-bridge-" + sandboxId + "-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocketChannel listener, InetSocketAddress destination, boolean guarded) {
    while (listener.isOpen()) {
      SocketChannel inside;
      try {
        inside = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (!slots.tryAcquire()) {
        closeQuietly(inside);
        continue;
      }
      Thread splice = new Thread(() -> splice(inside, destination, guarded), Thread.currentThread().getName() + "-conn");
      splice.setDaemon(true);
      splice.start();
    }
  }

  /** Copies both ways until both sides have finished; half-closes are passed on. */
  private void splice(SocketChannel inside, InetSocketAddress destination, boolean guarded) {
    open.add(inside);
    SocketChannel outside;
    try {
      outside = SocketChannel.open(destination);
      // NATS is many small writes: without this, Nagle holds the second of two back-to-back
      // messages (a log line, then a reply) for the peer's delayed ACK, 40 ms
      outside.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      closeQuietly(inside);
      open.remove(inside);
      slots.release();
      return;
    }
    open.add(outside);
    Direction there;
    Direction back;
    GuardedSplice.Pace pace = egress.<GuardedSplice.Pace>map(throttle -> throttle::take).orElse(GuardedSplice.Pace.NONE);
    if (guarded) {
      GuardedSplice guard = new GuardedSplice(inside, outside, pace);
      there = guard::workloadToServer;
      back = guard::serverToWorkload;
    } else {
      there = () -> copy(inside, outside, pace);
      back = () -> copy(outside, inside, GuardedSplice.Pace.NONE);
    }
    AtomicInteger finished = new AtomicInteger();
    Thread backThread = new Thread(() -> run(back, inside, outside, finished), Thread.currentThread().getName() + "-back");
    backThread.setDaemon(true);
    backThread.start();
    run(there, inside, outside, finished);
  }

  /** One direction of a connection. */
  private interface Direction {
    void run() throws IOException;
  }

  private void run(Direction direction, SocketChannel inside, SocketChannel outside, AtomicInteger finished) {
    try {
      direction.run();
    } catch (IOException e) {
      // one side is gone: so is the connection
      closeQuietly(inside);
      closeQuietly(outside);
    }
    if (finished.incrementAndGet() == 2) {
      closeQuietly(inside);
      closeQuietly(outside);
      open.remove(inside);
      open.remove(outside);
      slots.release();
    }
  }

  private static void copy(SocketChannel from, SocketChannel to, GuardedSplice.Pace pace) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    for (int read; (read = from.read(buffer)) >= 0; ) {
      pace.pass(read);
      buffer.flip();
      while (buffer.hasRemaining()) {
        to.write(buffer);
      }
      buffer.clear();
    }
    to.shutdownOutput();
  }

  @Override
  public void close() {
    listeners.forEach(LoopbackBridge::closeQuietly);
    open.forEach(LoopbackBridge::closeQuietly);
  }

  private static void closeQuietly(Channel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is all we wanted
    }
  }
}
