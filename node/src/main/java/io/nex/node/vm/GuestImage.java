package io.nex.node.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The three files a nex VM boots from, as {@code nex rootfs build} writes them: an uncompressed
 * {@code vmlinux} (an ELF with a PVH entry, which QEMU and Firecracker boot directly), the
 * {@code initramfs.cpio.gz} beside it (loads the virtio, ext4 and network modules and mounts the
 * root), and {@code rootfs.ext4} (busybox, a jlinked JRE, the agent and {@code /sbin/nex-init}).
 * The initramfs has no config key of its own: it is always the kernel's neighbour.
 */
public record GuestImage(Path kernel, Path initramfs, Path rootfs) {
  public static final String KERNEL = "vmlinux";
  public static final String INITRAMFS = "initramfs.cpio.gz";
  public static final String ROOTFS = "rootfs.ext4";
  public static final String FIX = "build them with: nex rootfs build --config <your node config>";

  /** The image a node with these {@code kernel_filepath} and {@code rootfs_filepath} boots. */
  public static GuestImage of(String kernelFilepath, String rootfsFilepath) {
    Path kernel = Path.of(kernelFilepath).toAbsolutePath();
    Path parent = kernel.getParent() == null ? Path.of("/") : kernel.getParent();
    return new GuestImage(kernel, parent.resolve(INITRAMFS), Path.of(rootfsFilepath).toAbsolutePath());
  }

  /** The image inside one directory, under the standard names. */
  public static GuestImage in(Path dir) {
    return new GuestImage(dir.resolve(KERNEL), dir.resolve(INITRAMFS), dir.resolve(ROOTFS));
  }

  /** The first file that is missing, named with what it is; empty when all three are there. */
  public Optional<String> missing() {
    if (!Files.isRegularFile(kernel)) {
      return Optional.of("kernel " + kernel + " does not exist");
    }
    if (!Files.isRegularFile(initramfs)) {
      return Optional.of("initramfs " + initramfs + " (beside the kernel) does not exist");
    }
    if (!Files.isRegularFile(rootfs)) {
      return Optional.of("root file system " + rootfs + " does not exist");
    }
    return Optional.empty();
  }
}
