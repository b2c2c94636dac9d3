package io.nex.node.sandbox.firecracker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host programs a Firecracker sandbox needs: {@code firecracker} itself (the config's
 * {@code bin_path} first, then PATH; Debian does not package it) and {@code ip}, which makes the
 * VM's network namespace and starts Firecracker inside it.
 */
record FirecrackerPrograms(Path firecracker, Path ip) {
  private static final List<String> SYSTEM_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin");

  static Optional<Path> find(String name, List<String> binPath) {
    List<String> dirs = new ArrayList<>(binPath);
    dirs.addAll(List.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)));
    dirs.addAll(SYSTEM_DIRS);
    return dirs.stream().filter(dir -> dir.startsWith("/")).map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable).findFirst();
  }

  /** @throws IllegalStateException naming what is missing */
  static FirecrackerPrograms locate(List<String> binPath) {
    Path firecracker = find("firecracker", binPath).orElseThrow(() -> new IllegalStateException(
        "firecracker not found in bin_path or PATH (install a release binary from github.com/firecracker-microvm)"));
    Path ip = find("ip", List.of()).orElseThrow(() -> new IllegalStateException(
        "ip not found (apt-get install -y iproute2)"));
    return new FirecrackerPrograms(firecracker, ip);
  }
}
