package io.nex.examples.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real nats-server on loopback, as a child process of the test. */
final class NatsServer implements AutoCloseable {

  private static final String BINARY = System.getProperty("nats.server", "/usr/sbin/nats-server");

  private final Process process;
  private final int port;

  private NatsServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static NatsServer start(String... extraArgs) throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(BINARY, "-a", "127.0.0.1", "-p", String.valueOf(port)));
    command.addAll(List.of(extraArgs));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    NatsServer server = new NatsServer(process, port);
    server.awaitListening();
    return server;
  }

  /** A loopback port nothing listens on (until someone takes it). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  String url(String userInfo) {
    return "nats://" + userInfo + "@127.0.0.1:" + port;
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IOException("nats-server did not listen on port " + port, notYet);
        }
        Thread.sleep(20);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
