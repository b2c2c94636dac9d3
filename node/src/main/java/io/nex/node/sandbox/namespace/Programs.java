package io.nex.node.sandbox.namespace;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host programs a namespace sandbox is built from: bwrap makes the walls, setpriv (inside)
 * drops to the sandbox user, socat (inside) listens on the sandbox's loopback for the NATS
 * ports. Looked up on PATH and in the usual system directories, since a node started by an init
 * system may have a bare PATH.
 */
record Programs(Path bwrap, Path setpriv, Path socat) {
  private static final List<String> SYSTEM_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

  /** @throws IllegalStateException naming the missing program and the Debian package that has it */
  static Programs locate() {
    return new Programs(find("bwrap", "bubblewrap"), find("setpriv", "util-linux"), find("socat", "socat"));
  }

  /**
   * A system program the node itself runs as root ({@code mkfs.ext4}, {@code mount},
   * {@code umount}), from the system directories only, never from PATH.
   */
  static Path system(String name) {
    return SYSTEM_DIRS.stream().map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " not found in " + String.join(", ", SYSTEM_DIRS)
            + " (apt-get install -y " + (name.startsWith("mkfs") ? "e2fsprogs" : "mount") + ")"));
  }

  private static Path find(String name, String debianPackage) {
    return candidates(name).stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            name + " not found (apt-get install -y " + debianPackage + ")"));
  }

  private static List<Path> candidates(String name) {
    List<Path> paths = new ArrayList<>();
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.startsWith("/")) {
        paths.add(Path.of(dir, name));
      }
    }
    SYSTEM_DIRS.forEach(dir -> paths.add(Path.of(dir, name)));
    return paths;
  }
}
