package io.nex.node.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting to real Unix sockets, near and deeper than a socket address can name. */
class UnixSocketsTest {
  @TempDir Path dir;

  @Test
  void reachesASocketAtAShortPath() throws Exception {
    Path socket = dir.resolve("t.sock");
    try (ServerSocketChannel listener = listen(socket)) {
      assertReaches(listener, socket);
    }
  }

  @Test
  void reachesASocketDeeperThanAnAddressCanNameAndLeavesNoShortcut() throws Exception {
    Path deep = Files.createDirectories(dir.resolve("a".repeat(60)).resolve("b".repeat(60)));
    Path socket = deep.resolve("triggers.sock");
    assertThat(socket.toString().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(107);
    // a socket cannot be bound there directly; it keeps working when its file moves there
    try (ServerSocketChannel listener = listen(dir.resolve("t.sock"))) {
      Files.move(dir.resolve("t.sock"), socket);
      assertReaches(listener, socket);
    }
    Path shortcuts = shortcuts();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shortcuts))).isEqualTo("rwx------");
    assertThat(entries(shortcuts)).as("shortcut links left behind").isZero();
  }

  @Test
  void aDeepPathWithNothingListeningFailsAndLeavesNoShortcut() throws Exception {
    Path deep = Files.createDirectories(dir.resolve("c".repeat(60)).resolve("d".repeat(60)));
    assertThatThrownBy(() -> UnixSockets.connect(deep.resolve("triggers.sock"))).isInstanceOf(IOException.class);
    assertThat(entries(shortcuts())).as("shortcut links left behind").isZero();
  }

  private static ServerSocketChannel listen(Path socket) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    return listener;
  }

  /** A byte each way proves both ends belong to the same connection. */
  private static void assertReaches(ServerSocketChannel listener, Path socket) throws IOException {
    try (SocketChannel client = UnixSockets.connect(socket); SocketChannel server = listener.accept()) {
      client.write(ByteBuffer.wrap(new byte[] {42}));
      ByteBuffer in = ByteBuffer.allocate(1);
      server.read(in);
      assertThat(in.get(0)).isEqualTo((byte) 42);
      server.write(ByteBuffer.wrap(new byte[] {7}));
      in.clear();
      client.read(in);
      assertThat(in.get(0)).isEqualTo((byte) 7);
    }
  }

  /** The node's private directory of shortcut links, made on the first deep connect. */
  private static Path shortcuts() throws ReflectiveOperationException {
    Field field = UnixSockets.class.getDeclaredField("shortcuts");
    field.setAccessible(true);
    Path shortcuts = (Path) field.get(null);
    assertThat(shortcuts).as("a deep connect made the shortcut directory").isNotNull();
    assertThat(shortcuts.toString().length()).isLessThan(80);
    return shortcuts;
  }

  private static long entries(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.count();
    }
  }
}
