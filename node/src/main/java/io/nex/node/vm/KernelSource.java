package io.nex.node.vm;

import io.nex.node.fs.DirectoryTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where the guest kernel comes from: Debian's {@code linux-image-amd64} (fetched with
 * {@code apt-get download}, never installed), a kernel {@code .deb} the user names, or a
 * directory holding an unpacked one ({@code boot/vmlinuz-*}, {@code lib/modules/}). Either way
 * it is unpacked with {@code dpkg -x}, the bzImage's xz payload is expanded into {@code vmlinux}
 * (QEMU boots its PVH entry directly, ~2.7 s faster than decompressing in the guest, and
 * Firecracker needs it), and the modules a virtio guest needs are kept. The result is cached
 * under the package's sha256.
 */
final class KernelSource {
  static final String DEBIAN_PACKAGE = "linux-image-amd64";
  /** Dependency order (from each module's depends=; the .deb ships no modules.dep). */
  static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_mmio", "virtio_blk", "jbd2",
      "mbcache", "crc16", "crc32c_generic", "ext4", "failover", "net_failover", "virtio_net");
  private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

  /** A kernel ready for the builder: vmlinux and the modules, named in {@link #MODULES}. */
  record Prepared(Path vmlinux, Path modulesDir, String release) {}

  private final Path given;
  private final String debianPackage;
  private final String key;

  private KernelSource(Path given, String debianPackage, String key) {
    this.given = given;
    this.debianPackage = debianPackage;
    this.key = key;
  }

  /** Debian's current kernel, keyed by the sha256 apt knows for its .deb (nothing downloaded yet). */
  static KernelSource debian() throws IOException {
    String depends = Exec.run(List.of("apt-cache", "depends", DEBIAN_PACKAGE));
    String image = depends.lines().map(String::strip).filter(l -> l.startsWith("Depends: linux-image-"))
        .map(l -> l.substring("Depends: ".length())).findFirst()
        .orElseThrow(() -> new IOException("apt-cache knows no kernel behind " + DEBIAN_PACKAGE
            + " (run apt-get update, or give a kernel with --kernel)"));
    String show = Exec.run(List.of("apt-cache", "show", image));
    String sha = show.lines().filter(l -> l.startsWith("SHA256: ")).map(l -> l.substring(8).strip()).findFirst()
        .orElseThrow(() -> new IOException("apt-cache show " + image + " has no SHA256"));
    return new KernelSource(null, image, sha);
  }

  /** A kernel .deb, or a directory with an unpacked kernel package. */
  static KernelSource at(Path path) throws IOException {
    if (Files.isRegularFile(path) && path.toString().endsWith(".deb")) {
      return new KernelSource(path, null, Hashing.file(path));
    }
    if (Files.isDirectory(path)) {
      return new KernelSource(path, null, Hashing.file(vmlinuz(path)));
    }
    throw new IOException("--kernel " + path + " is neither a kernel .deb nor a directory with boot/vmlinuz-*");
  }

  String key() {
    return key;
  }

  String describe() {
    return debianPackage != null ? debianPackage + " (Debian, via apt-get download)" : given.toString();
  }

  Prepared prepare(Path cache, Consumer<String> progress) throws IOException {
    Path dir = cache.resolve("kernel").resolve(key.substring(0, 16));
    if (Files.isRegularFile(dir.resolve("release"))) {
      progress.accept("kernel: cached in " + dir);
      return prepared(dir);
    }
    Path work = Files.createDirectories(cache).resolve("kernel-" + ProcessHandle.current().pid() + ".partial");
    DirectoryTree.delete(work);
    Files.createDirectories(work);
    try {
      Path unpacked = unpack(work, progress);
      Path out = Files.createDirectories(work.resolve("out"));
      Path modules = Files.createDirectories(out.resolve("modules"));
      Path vmlinuz = vmlinuz(unpacked);
      progress.accept("kernel: expanding " + vmlinuz.getFileName() + " into vmlinux");
      expand(vmlinuz, out.resolve(GuestImage.KERNEL), work);
      for (String module : MODULES) {
        copyModule(unpacked, module, modules.resolve(module + ".ko"));
      }
      String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
      Files.writeString(out.resolve("release"), release + "\n", StandardCharsets.UTF_8);
      Files.createDirectories(dir.getParent());
      DirectoryTree.delete(dir);
      Files.move(out, dir, StandardCopyOption.ATOMIC_MOVE);
      return prepared(dir);
    } finally {
      DirectoryTree.delete(work);
    }
  }

  private Path unpack(Path work, Consumer<String> progress) throws IOException {
    if (given != null && Files.isDirectory(given)) {
      return given;
    }
    Path deb = given;
    if (deb == null) {
      progress.accept("kernel: apt-get download " + debianPackage + " (about 70 MB)");
      Exec.run(work, Map.of(), List.of("apt-get", "download", "-q", debianPackage));
      try (Stream<Path> files = Files.list(work)) {
        deb = files.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
            .orElseThrow(() -> new IOException("apt-get download " + debianPackage + " left no .deb"));
      }
      String sha = Hashing.file(deb);
      if (!sha.equals(key)) {
        throw new IOException(deb.getFileName() + " has sha256 " + sha + ", apt expected " + key);
      }
    }
    progress.accept("kernel: dpkg -x " + deb.getFileName());
    Path unpacked = work.resolve("pkg");
    Exec.run(List.of("dpkg", "-x", deb.toString(), unpacked.toString()));
    return unpacked;
  }

  private static Path vmlinuz(Path root) throws IOException {
    Path boot = root.resolve("boot");
    if (!Files.isDirectory(boot)) {
      throw new IOException(root + " has no boot/ directory with a vmlinuz-*");
    }
    try (Stream<Path> files = Files.list(boot)) {
      return files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().findFirst()
          .orElseThrow(() -> new IOException(boot + " has no vmlinuz-*"));
    }
  }

  /** The bzImage carries its kernel as one xz stream; {@code xz --single-stream} ignores what follows it. */
  private static void expand(Path vmlinuz, Path vmlinux, Path work) throws IOException {
    byte[] image = Files.readAllBytes(vmlinuz);
    int at = indexOf(image, XZ_MAGIC);
    if (at < 0) {
      throw new IOException(vmlinuz + " has no xz payload (only xz-compressed kernels are supported)");
    }
    Path payload = work.resolve("payload.xz");
    Files.write(payload, java.util.Arrays.copyOfRange(image, at, image.length));
    Process xz = new ProcessBuilder("xz", "--decompress", "--stdout", "--single-stream")
        .redirectInput(payload.toFile()).redirectOutput(vmlinux.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (xz.waitFor() != 0) {
        throw new IOException("xz could not expand the kernel in " + vmlinuz);
      }
    } catch (InterruptedException e) {
      xz.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while expanding the kernel");
    }
  }

  private static void copyModule(Path root, String module, Path target) throws IOException {
    Path modules = root.resolve("lib").resolve("modules");
    if (!Files.isDirectory(modules)) {
      modules = root.resolve("usr").resolve("lib").resolve("modules");
    }
    Optional<Path> found;
    try (Stream<Path> files = Files.walk(modules)) {
      found = files.filter(p -> p.getFileName().toString().equals(module + ".ko")).findFirst();
    }
    Files.copy(found.orElseThrow(() -> new IOException("the kernel has no module " + module + ".ko")), target,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static Prepared prepared(Path dir) throws IOException {
    return new Prepared(dir.resolve(GuestImage.KERNEL), dir.resolve("modules"),
        Files.readString(dir.resolve("release"), StandardCharsets.UTF_8).strip());
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
