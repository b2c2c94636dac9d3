package io.nex.node.natsserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the {@code nats-server} executable: the configured bin path, then PATH, then Debian's /usr/sbin. */
public final class NatsServerBinary {
  public static final String NAME = "nats-server";

  private NatsServerBinary() {}

  public static Optional<Path> find(List<String> binPath) {
    List<String> dirs = new ArrayList<>(binPath);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.add("/usr/sbin");
    dirs.add("/usr/local/sbin");
    return dirs.stream()
        .filter(d -> !d.isBlank())
        .map(d -> Path.of(d, NAME))
        .filter(Files::isExecutable)
        .findFirst();
  }

  public static Path require(List<String> binPath) {
    return find(binPath).orElseThrow(() -> new IllegalStateException(
        "nats-server not found in bin_path, PATH or /usr/sbin (install it: apt-get install -y nats-server)"));
  }
}
