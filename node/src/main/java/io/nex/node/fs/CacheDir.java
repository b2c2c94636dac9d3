package io.nex.node.fs;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the node keeps what it can rebuild: {@code /var/cache/nex/<name>} when it may write
 * there (root), else {@code ~/.cache/nex/<name>}. Not under /root for root: a namespace sandbox
 * binds cached files at their own path, and their parents would show up there as empty
 * directories.
 */
public final class CacheDir {
  private CacheDir() {}

  public static Path of(String name) {
    Path varCache = Path.of("/var/cache");
    if (Files.isWritable(varCache)) {
      return varCache.resolve("nex").resolve(name);
    }
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("java.io.tmpdir"), ".cache", "nex",
        name);
  }
}
