package io.nex.node.sandbox.firecracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Just enough HTTP/1.1 over a unix domain socket for Firecracker's API: one request per
 * connection, a JSON body with its Content-Length, and a response read by its Content-Length.
 * The JDK's HttpClient cannot dial a unix socket, and a library for this would be larger than
 * this class. A request that gets no complete answer within the read timeout fails: a
 * Firecracker that hangs must not hang the node's pool launcher with it.
 */
final class UnixHttpClient {
  /** A status and the body's text (empty for 204 No Content). */
  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Closes the channel of a request whose answer is overdue, which fails the blocked read. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "firecracker-api-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  private final Path socket;
  private final Duration readTimeout;

  UnixHttpClient(Path socket, Duration readTimeout) {
    this.socket = socket;
    this.readTimeout = readTimeout;
  }

  Path socket() {
    return socket;
  }

  /** Sends {@code method path} with {@code json} as the body ({@code null} = no body). */
  Response send(String method, String path, String json) throws IOException {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\n")
        .append("Accept: application/json\r\n");
    if (json != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(channel), readTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        writeFully(channel, ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.US_ASCII)));
        writeFully(channel, ByteBuffer.wrap(body));
        return read(channel);
      } catch (AsynchronousCloseException e) {
        throw new IOException(method + " " + path + " got no complete answer on " + socket + " within "
            + readTimeout.toMillis() + " ms");
      } finally {
        watchdog.cancel(false);
      }
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is what the watchdog is for; a failure leaves nothing to do
    }
  }

  private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static Response read(SocketChannel channel) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    int headerEnd = -1;
    while (headerEnd < 0) {
      if (!readSome(channel, buffer, received)) {
        throw new IOException("connection closed before a complete HTTP response");
      }
      headerEnd = indexOf(received.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    byte[] all = received.toByteArray();
    String[] lines = new String(all, 0, headerEnd, StandardCharsets.US_ASCII).split("\r\n");
    int status = status(lines[0]);
    int contentLength = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        contentLength = Integer.parseInt(lines[i].substring(colon + 1).trim());
      }
    }
    int bodyStart = headerEnd + 4;
    if (contentLength < 0) {
      // no length: 204 and 304 have no body by definition; otherwise the body ends with the connection
      if (status == 204 || status == 304) {
        return new Response(status, "");
      }
      while (readSome(channel, buffer, received)) {
        // keep reading until the server closes
      }
      all = received.toByteArray();
      return new Response(status, new String(all, bodyStart, all.length - bodyStart, StandardCharsets.UTF_8));
    }
    while (received.size() - bodyStart < contentLength) {
      if (!readSome(channel, buffer, received)) {
        throw new IOException("connection closed after " + (received.size() - bodyStart) + " of "
            + contentLength + " body bytes");
      }
    }
    all = received.toByteArray();
    return new Response(status, new String(all, bodyStart, contentLength, StandardCharsets.UTF_8));
  }

  private static boolean readSome(SocketChannel channel, ByteBuffer buffer, ByteArrayOutputStream into)
      throws IOException {
    buffer.clear();
    int n = channel.read(buffer);
    if (n < 0) {
      return false;
    }
    into.write(buffer.array(), 0, n);
    return true;
  }

  private static int status(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + statusLine);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
