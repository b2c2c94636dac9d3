package io.nex.node.function;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Connects to a Unix socket however deep it lies. A socket's path may hold only 107 bytes, and a
 * sandbox's working directory (resource dir, node key, sandbox id) is usually longer; the kernel
 * follows symbolic links when connecting, so a deep socket is reached through a link, made for
 * the moment of connecting, in a short directory of the node's own (mode 0700, so nothing else can
 * swap the link).
 */
final class UnixSockets {
  private static final int MAX_PATH_BYTES = 107;
  private static Path shortcuts;

  private UnixSockets() {}

  static SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      Path target = socket.toAbsolutePath();
      if (target.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES) {
        channel.connect(UnixDomainSocketAddress.of(target));
        return channel;
      }
      Path link = Files.createTempFile(shortcuts(), "", "");
      try {
        Files.delete(link);
        Files.createSymbolicLink(link, target);
        channel.connect(UnixDomainSocketAddress.of(link));
      } finally {
        Files.deleteIfExists(link);
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static synchronized Path shortcuts() throws IOException {
    if (shortcuts == null || !Files.isDirectory(shortcuts)) {
      shortcuts = Files.createTempDirectory("nex-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      shortcuts.toFile().deleteOnExit();
    }
    return shortcuts;
  }
}
