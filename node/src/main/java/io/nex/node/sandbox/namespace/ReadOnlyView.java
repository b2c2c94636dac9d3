package io.nex.node.sandbox.namespace;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What of the host a sandbox sees, read-only, at the host's own paths: {@code /usr} (the OS's
 * programs and libraries, which a shell, socat, a dynamically linked workload and the JVM all
 * need), the top-level links or directories into it, a few public files of {@code /etc}, the JDK
 * and whatever its symlinks point at (Debian keeps its config in {@code /etc/java-NN-openjdk}),
 * and the agent's class path or executable. Nothing else of the host exists inside: not
 * {@code /root}, {@code /home}, the node's resource directory or other sandboxes.
 *
 * <p>Computed once per driver: walking the JDK takes a few milliseconds.
 */
final class ReadOnlyView {
  private static final Path USR = Path.of("/usr");
  private static final List<String> TOP_LEVEL = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
  // public and needed by programs: the dynamic linker's cache, the time zone, Debian's alternatives
  private static final List<String> ETC = List.of("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives");

  private final Map<Path, Path> symlinks;
  private final Map<Path, Path> binds;

  private ReadOnlyView(Map<Path, Path> symlinks, Map<Path, Path> binds) {
    this.symlinks = symlinks;
    this.binds = binds;
  }

  /**
   * @param javaHome the JDK the agent runs on
   * @param launched the agent's class path entries, or its executable, and the programs run inside
   */
  static ReadOnlyView of(Path javaHome, List<Path> launched) throws IOException {
    Map<Path, Path> symlinks = new LinkedHashMap<>();
    Map<Path, Path> binds = new LinkedHashMap<>();
    binds.put(USR, USR);
    for (String name : TOP_LEVEL) {
      Path path = Path.of(name);
      if (Files.isSymbolicLink(path)) {
        symlinks.put(path, Files.readSymbolicLink(path));
      } else if (Files.isDirectory(path)) {
        binds.put(path, path);
      }
    }
    List<Path> wanted = new ArrayList<>();
    ETC.forEach(name -> wanted.add(Path.of(name)));
    wanted.add(javaHome);
    wanted.addAll(outsideTargets(javaHome));
    wanted.addAll(launched);
    for (Path path : wanted) {
      Path target = path.toAbsolutePath().normalize();
      if (Files.exists(target) && !visible(target, binds)) {
        binds.put(target, target.toRealPath());
      }
    }
    return new ReadOnlyView(symlinks, binds);
  }

  /** The class path entries of this JVM, which is what {@code AgentLaunch} gives the agent. */
  static List<Path> classPath() {
    List<Path> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return entries;
  }

  void addTo(MountPlan plan) {
    symlinks.forEach((link, target) -> plan.symlink(target, link));
    binds.forEach((target, source) -> plan.readOnly(source, target));
  }

  /** Absolute symlinks in the JDK lead out of it; their targets must exist inside too. */
  private static List<Path> outsideTargets(Path javaHome) throws IOException {
    try (Stream<Path> files = Files.walk(javaHome)) {
      return files.filter(Files::isSymbolicLink)
          .map(link -> {
            try {
              return link.resolveSibling(Files.readSymbolicLink(link)).normalize();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          })
          .filter(target -> !target.startsWith(javaHome))
          .distinct()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean visible(Path path, Map<Path, Path> binds) {
    return binds.keySet().stream().anyMatch(path::startsWith);
  }
}
