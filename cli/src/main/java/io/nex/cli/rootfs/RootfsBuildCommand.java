package io.nex.cli.rootfs;

import io.nex.cli.CliException;
import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.fs.CacheDir;
import io.nex.node.vm.GuestImage;
import io.nex.node.vm.GuestImageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nex rootfs build}: builds the guest image in the cache (or finds it there) and puts its
 * files where a node looks for them: the config's {@code kernel_filepath} (the initramfs beside
 * it) and {@code rootfs_filepath}, or the files of {@code --output}.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = "Build kernel (vmlinux), initramfs and rootfs.ext4 for the qemu and firecracker sandboxes")
public final class RootfsBuildCommand implements Callable<Integer> {
  @Option(names = "--config", description = "node configuration: install to its kernel_filepath and rootfs_filepath")
  Path config;

  @Option(names = {"-o", "--output"}, description = "install into this directory instead (vmlinux, initramfs.cpio.gz, rootfs.ext4)")
  Path output;

  @Option(names = "--kernel", description = "a kernel .deb or an unpacked kernel package directory (default: "
      + "Debian's linux-image-amd64 via apt-get download)")
  Path kernel;

  @Option(names = "--cache", description = "cache directory (default: /var/cache/nex/vm as root, else ~/.cache/nex/vm)")
  Path cache;

  @Option(names = "--jdk", description = "JDK with jmods/ to jlink the guest's JRE from (default: ${DEFAULT-VALUE})")
  Path jdk = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

  @Override
  public Integer call() {
    long started = System.nanoTime();
    GuestImage target = target();
    Path cacheDir = cache != null ? cache : CacheDir.of("vm");
    GuestImage built;
    try {
      built = new GuestImageBuilder(cacheDir, jdk, GuestImageBuilder.thisClassPath(),
          step -> System.out.printf("[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, step)).build(kernel);
      install(built.kernel(), target.kernel());
      install(built.initramfs(), target.initramfs());
      install(built.rootfs(), target.rootfs());
    } catch (IOException e) {
      throw new CliException("cannot build the guest image: " + e.getMessage());
    }
    System.out.printf("Guest image ready in %.1f s (cache %s):%n", (System.nanoTime() - started) / 1e9,
        built.kernel().getParent());
    print("kernel", target.kernel());
    print("initramfs", target.initramfs());
    print("rootfs", target.rootfs());
    return 0;
  }

  private GuestImage target() {
    if (output != null) {
      return GuestImage.in(output.toAbsolutePath());
    }
    try {
      NodeConfig c = config == null ? NodeConfigLoader.defaults() : NodeConfigLoader.load(config);
      return GuestImage.of(c.kernelFilepath(), c.rootfsFilepath());
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** A hard link when the cache is on the same file system (instant, no space), else a copy. */
  private static void install(Path source, Path target) throws IOException {
    if (source.equals(target)) {
      return;
    }
    Files.createDirectories(target.getParent());
    Path staged = target.resolveSibling(target.getFileName() + ".new");
    Files.deleteIfExists(staged);
    try {
      Files.createLink(staged, source);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, staged);
    }
    Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void print(String what, Path file) {
    try {
      System.out.printf("  %-10s %s  %.1f MB%n", what, file, Files.size(file) / 1e6);
    } catch (IOException e) {
      System.out.printf("  %-10s %s%n", what, file);
    }
  }
}
