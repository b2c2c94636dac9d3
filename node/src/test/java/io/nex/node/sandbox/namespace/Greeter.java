package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TCP server that says {@code greeting} to whoever connects: proof that a connection got through. */
final class Greeter implements AutoCloseable {
  private final ServerSocket server;

  Greeter(InetAddress address, String greeting) throws IOException {
    server = new ServerSocket(0, 50, address);
    Thread thread = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
          out.write((greeting + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException closed) {
          // closed by the test, or a client that left first
        }
      }
    }, "greeter-" + greeting);
    thread.setDaemon(true);
    thread.start();
  }

  static Greeter onLoopback(String greeting) throws IOException {
    return new Greeter(InetAddress.getLoopbackAddress(), greeting);
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
