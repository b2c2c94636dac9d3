package io.nex.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's pid file; a live process already holding it means another node uses this resource dir. */
final class PidFile {
  private final Path path;

  private PidFile(Path path) {
    this.path = path;
  }

  static PidFile claim(Path path) throws NodeStartException {
    try {
      if (Files.exists(path)) {
        String content = Files.readString(path, StandardCharsets.UTF_8).trim();
        try {
          long pid = Long.parseLong(content);
          if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new NodeStartException("another node (pid " + pid + ") holds " + path
                + "; stop it or give this node another default_resource_dir or pid_filepath");
          }
        } catch (NumberFormatException stale) {
          // unreadable content: a leftover, overwritten below
        }
      }
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(path, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
      return new PidFile(path);
    } catch (IOException e) {
      throw new NodeStartException("cannot write pid file " + path + ": " + e.getMessage());
    }
  }

  void release() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a stale pid file is harmless: the next node sees its process is gone
    }
  }
}
