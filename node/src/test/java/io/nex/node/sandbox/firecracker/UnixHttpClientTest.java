package io.nex.node.sandbox.firecracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Firecracker that takes a request and never answers fails the call in time instead of hanging the node. */
class UnixHttpClientTest {
  @TempDir Path dir;

  @Test
  void aServerThatNeverAnswersFailsTheRequestAtTheReadTimeout() throws Exception {
    Path socket = dir.resolve("api.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread silent = new Thread(() -> {
        try (SocketChannel accepted = server.accept()) {
          accepted.read(ByteBuffer.allocate(4096));
          Thread.sleep(5000);
        } catch (IOException | InterruptedException ignored) {
          // the test is over
        }
      });
      silent.setDaemon(true);
      silent.start();
      long started = System.nanoTime();
      assertThatThrownBy(() -> new UnixHttpClient(socket, Duration.ofMillis(300)).send("PUT", "/actions", "{}"))
          .isInstanceOf(IOException.class)
          .hasMessage("PUT /actions got no complete answer on " + socket + " within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      silent.interrupt();
    }
  }

  @Test
  void anAnswerWithinTheTimeoutIsRead() throws Exception {
    Path socket = dir.resolve("ok.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread answering = new Thread(() -> {
        try (SocketChannel accepted = server.accept()) {
          // the whole request, body included: the client may write it in more than one piece,
          // and closing after the first would break its pipe before it reads the answer
          ByteBuffer request = ByteBuffer.allocate(4096);
          while (!new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII).endsWith("\r\n\r\n{}")
              && accepted.read(request) >= 0) {
            // keep reading
          }
          accepted.write(ByteBuffer.wrap("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException ignored) {
          // the client reports what it got
        }
      });
      answering.start();
      assertThat(new UnixHttpClient(socket, Duration.ofSeconds(5)).send("PUT", "/actions", "{}").status()).isEqualTo(204);
      answering.join();
    }
  }
}
