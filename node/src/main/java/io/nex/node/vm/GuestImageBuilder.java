package io.nex.node.vm;

import io.nex.agent.function.V8Library;
import io.nex.node.fs.DirectoryTree;
import io.nex.node.sandbox.AgentLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds the guest image ({@link GuestImage}) for VM sandboxes: kernel, initramfs and an ext4
 * root with busybox, a jlinked JRE and the agent. Everything is keyed by a sha256 of its inputs
 * (kernel package, scripts, JVM options, busybox, JDK, agent class path) and cached, so a
 * second build with the same inputs only prints where the files are. The same inputs give the
 * same kernel and initramfs bytes; the ext4 image has fixed file times, owners, UUID and hash
 * seed, but mke2fs copies inode change times from the staging tree, so it differs in those.
 */
public final class GuestImageBuilder {
  /** Bump when the image's layout changes in a way the inputs do not show. */
  private static final String LAYOUT = "nex-guest-2";
  static final Path DEFAULT_JDK = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  /** Packages the agent runs (its own, the wire contract, NATS, the function runtimes, JSON): what jdeps looks at. */
  private static final String AGENT_PACKAGES =
      "io\\.nex\\.(agent|api)\\..*|io\\.nats\\..*|com\\.dylibso\\..*|com\\.caoccao\\..*|com\\.fasterxml\\..*";
  /** TLS to NATS needs the EC provider, which no class names. */
  private static final List<String> EXTRA_MODULES = List.of("jdk.crypto.ec");
  private static final FileTime EPOCH = FileTime.fromMillis(0);
  private static final String UUID = "6e657867-7565-4573-b400-000000000001";
  private static final String HASH_SEED = "6e657867-7565-4573-b400-000000000002";

  private final Path cache;
  private final Path jdk;
  private final List<Path> classPath;
  private final Consumer<String> progress;

  public GuestImageBuilder(Path cache, Path jdk, List<Path> classPath, Consumer<String> progress) {
    this.cache = cache;
    this.jdk = jdk;
    this.classPath = List.copyOf(classPath);
    this.progress = progress;
  }

  /** The agent as this JVM runs it: its own class path. */
  public static List<Path> thisClassPath() {
    return Stream.of(System.getProperty("java.class.path").split(":")).filter(s -> !s.isBlank()).map(Path::of)
        .toList();
  }

  /** Builds (or finds in the cache) the image for {@code kernel}; null means Debian's current kernel. */
  public GuestImage build(Path kernel) throws IOException {
    requireTools();
    KernelSource source = kernel == null ? KernelSource.debian() : KernelSource.at(kernel);
    progress.accept("kernel: " + source.describe());
    String key = key(source);
    Path dir = cache.resolve("images").resolve(key.substring(0, 16));
    GuestImage image = GuestImage.in(dir);
    if (image.missing().isEmpty()) {
      progress.accept("image: cached in " + dir + " (inputs unchanged)");
      return image;
    }
    KernelSource.Prepared prepared = source.prepare(cache, progress);
    Path work = cache.resolve("images").resolve(key.substring(0, 16) + "-" + ProcessHandle.current().pid()
        + ".partial");
    DirectoryTree.delete(work);
    Files.createDirectories(work);
    try {
      Path out = Files.createDirectories(work.resolve("out"));
      progress.accept("initramfs: busybox, /init, " + KernelSource.MODULES.size() + " modules");
      writeInitramfs(prepared, out.resolve(GuestImage.INITRAMFS));
      Path root = stageRoot(work.resolve("root"));
      progress.accept("rootfs: mkfs.ext4 -d");
      makeExt4(root, out.resolve(GuestImage.ROOTFS), work);
      progress.accept("kernel: vmlinux " + prepared.release());
      Files.copy(prepared.vmlinux(), out.resolve(GuestImage.KERNEL));
      DirectoryTree.delete(dir);
      Files.move(out, dir, StandardCopyOption.ATOMIC_MOVE);
      return image;
    } finally {
      DirectoryTree.delete(work);
    }
  }

  private void requireTools() throws IOException {
    for (Path tool : List.of(BUSYBOX, jdk.resolve("bin/jlink"), jdk.resolve("jmods/java.base.jmod"),
        Path.of("/usr/bin/dpkg"), Path.of("/usr/bin/xz"), Path.of("/sbin/mkfs.ext4"))) {
      if (!Files.exists(tool)) {
        throw new IOException(tool + " is missing (apt-get install -y busybox-static openjdk-17-jdk-headless "
            + "e2fsprogs xz-utils)");
      }
    }
  }

  private String key(KernelSource source) throws IOException {
    Hashing h = new Hashing().add(LAYOUT).add(source.key()).add(script("initramfs-init.sh"))
        .add(script("rootfs-init.sh")).add(String.join(" ", AgentLaunch.JVM_OPTIONS))
        .add(String.join(",", KernelSource.MODULES)).add(BUSYBOX).add(jdk.resolve("release"));
    try (Stream<Path> jmods = Files.list(jdk.resolve("jmods"))) {
      for (Path jmod : jmods.sorted().toList()) {
        h.add(jmod.getFileName() + ":" + Files.size(jmod));
      }
    }
    for (Path entry : classPath) {
      h.add(entry.getFileName().toString()).add(entry);
    }
    return h.hex();
  }

  private void writeInitramfs(KernelSource.Prepared kernel, Path target) throws IOException {
    try (OutputStream file = Files.newOutputStream(target); Cpio cpio = new Cpio(file)) {
      for (String dir : List.of("bin", "dev", "proc", "sys", "lib", "lib/modules", "newroot")) {
        cpio.directory(dir);
      }
      cpio.file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX));
      cpio.file("init", 0755, script("initramfs-init.sh").getBytes(StandardCharsets.UTF_8));
      cpio.file("modules.order", 0644, (String.join("\n", KernelSource.MODULES) + "\n").getBytes(StandardCharsets.UTF_8));
      for (String module : KernelSource.MODULES) {
        cpio.file("lib/modules/" + module + ".ko", 0644, Files.readAllBytes(kernel.modulesDir().resolve(module + ".ko")));
      }
    }
  }

  private Path stageRoot(Path root) throws IOException {
    for (String dir : List.of("bin", "sbin", "dev", "proc", "sys", "run", "tmp", "etc", "var/lib/nex", "opt/nex/cp")) {
      Files.createDirectories(root.resolve(dir));
    }
    progress.accept("rootfs: busybox");
    Files.copy(BUSYBOX, root.resolve("bin/busybox"));
    for (String applet : Exec.run(List.of(BUSYBOX.toString(), "--list")).lines().map(String::strip).toList()) {
      if (!applet.isEmpty() && !applet.equals("busybox")) {
        Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
      }
    }
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/var/lib/nex:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
    Path jre = root.resolve("opt/nex/jre");
    copyTree(jre(), jre);
    progress.accept("rootfs: shared libraries the JRE links against");
    copyLibraries(jre, root);
    List<String> guestClassPath = new ArrayList<>();
    for (int i = 0; i < classPath.size(); i++) {
      Path entry = classPath.get(i);
      String name = i + "-" + entry.getFileName();
      copyTree(entry, root.resolve("opt/nex/cp").resolve(name));
      guestClassPath.add("/opt/nex/cp/" + name);
    }
    // V8's native library, where the agent's environment names it (V8Library): not extracted per VM
    Path v8 = V8Library.extract(root.resolve("opt/nex/v8"));
    copyLibraries(v8, root);
    String init = script("rootfs-init.sh")
        .replace("@V8_LIBRARY_DIR@", "/" + root.relativize(v8))
        .replace("@JVM_OPTIONS@", String.join(" ", AgentLaunch.JVM_OPTIONS))
        .replace("@CLASS_PATH@", String.join(":", guestClassPath))
        .replace("@AGENT_MAIN@", AgentLaunch.AGENT_MAIN);
    Path nexInit = root.resolve("sbin/nex-init");
    Files.writeString(nexInit, init, StandardCharsets.UTF_8);
    nexInit.toFile().setExecutable(true, false);
    return root;
  }

  /** The jlinked JRE, cached apart from the image: it only changes with the JDK or the modules. */
  private Path jre() throws IOException {
    String modules = jreModules();
    Hashing h = new Hashing().add(modules).add(jdk.resolve("release"));
    try (Stream<Path> jmods = Files.list(jdk.resolve("jmods"))) {
      for (Path jmod : jmods.sorted().toList()) {
        h.add(jmod.getFileName() + ":" + Files.size(jmod));
      }
    }
    Path dir = cache.resolve("jre").resolve(h.hex().substring(0, 16));
    if (Files.isRegularFile(dir.resolve("release"))) {
      progress.accept("rootfs: JRE cached in " + dir + " (" + modules + ")");
      return dir;
    }
    progress.accept("rootfs: jlink " + modules);
    Path partial = dir.resolveSibling(dir.getFileName() + "-" + ProcessHandle.current().pid() + ".partial");
    DirectoryTree.delete(partial);
    Files.createDirectories(partial.getParent());
    Exec.run(List.of(jdk.resolve("bin/jlink").toString(), "--module-path", jdk.resolve("jmods").toString(),
        "--add-modules", modules, "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2",
        "--generate-cds-archive", "--output", partial.toString()));
    DirectoryTree.delete(dir);
    Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  private String jreModules() throws IOException {
    List<String> command = new ArrayList<>(List.of(jdk.resolve("bin/jdeps").toString(), "--print-module-deps",
        "--ignore-missing-deps", "--multi-release", "17", "-include", AGENT_PACKAGES));
    classPath.forEach(p -> command.add(p.toString()));
    String found = Exec.run(command).strip().lines().reduce((a, b) -> b).orElse("java.base");
    List<String> modules = new ArrayList<>(List.of(found.split(",")));
    EXTRA_MODULES.stream().filter(m -> !modules.contains(m)).forEach(modules::add);
    return String.join(",", modules);
  }

  /** Every library ldd resolves for the JRE's programs and libraries, at the same path in the guest. */
  private static void copyLibraries(Path jre, Path root) throws IOException {
    List<Path> elves;
    try (Stream<Path> walk = Files.walk(jre)) {
      elves = walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".so") || p.getParent().getFileName().toString().equals("bin"))
          .sorted().toList();
    }
    java.util.TreeSet<String> libraries = new java.util.TreeSet<>();
    for (Path elf : elves) {
      String ldd;
      try {
        ldd = Exec.run(List.of("ldd", elf.toString()));
      } catch (IOException e) {
        continue; // not dynamically linked
      }
      for (String line : ldd.lines().map(String::strip).toList()) {
        String[] parts = line.split("\\s+");
        String path = parts.length >= 3 && parts[1].equals("=>") ? parts[2] : parts[0];
        // the JRE's own libraries are already in place
        if (path.startsWith("/") && !Path.of(path).normalize().startsWith(jre)) {
          libraries.add(path);
        }
      }
    }
    for (String library : libraries) {
      Path target = root.resolve(library.substring(1));
      Files.createDirectories(target.getParent());
      Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
    }
    // the dynamic loader is found at its canonical path; /lib64 is a symlink on merged-/usr hosts
    Path lib64 = root.resolve("lib64");
    if (!Files.exists(lib64) && libraries.stream().anyMatch(l -> l.startsWith("/lib/x86_64-linux-gnu/ld-linux"))) {
      Files.createDirectories(lib64);
      Files.createSymbolicLink(lib64.resolve("ld-linux-x86-64.so.2"), Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    if (!Files.isDirectory(source)) {
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      return;
    }
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.sorted().toList()) {
        Path t = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Fixed times, UUID and hash seed: the same tree gives the same image. */
  private static void makeExt4(Path root, Path image, Path work) throws IOException {
    long bytes;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
    }
    bytes = 0;
    for (Path p : all) {
      if (!Files.isSymbolicLink(p)) {
        if (Files.isRegularFile(p)) {
          bytes += Files.size(p);
        }
        Files.setLastModifiedTime(p, EPOCH);
      }
    }
    long mib = bytes / (1 << 20) * 5 / 4 + 48;
    Exec.run(work, Map.of("E2FSPROGS_FAKE_TIME", "1", "SOURCE_DATE_EPOCH", "1"),
        List.of("/sbin/mkfs.ext4", "-q", "-F", "-L", "nexroot", "-U", UUID, "-E", "hash_seed=" + HASH_SEED
            + ",root_owner=0:0", "-d", root.toString(), image.toString(), mib + "M"));
  }

  static String script(String name) throws IOException {
    try (InputStream in = GuestImageBuilder.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
