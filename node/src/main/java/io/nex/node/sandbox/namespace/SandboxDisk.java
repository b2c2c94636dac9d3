package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox's own disk: a sparse file of {@code disk_mib} next to its work directory, formatted
 * ext4 and loop-mounted on the work directory ({@code nosuid,nodev}), so the sandbox's writable
 * space is exactly that size. A full disk fails the sandbox's writes with ENOSPC, never the
 * host's; and being a block device of its own, its I/O can be rate-limited by the sandbox's
 * cgroup ({@link DiskRates}). The file only takes host space as it is written (at most its size).
 * No journal: the disk lives and dies with one sandbox and is never mounted again.
 */
final class SandboxDisk {
  private static final long COMMAND_SECONDS = 20;

  private final Path image;
  private final Path mountPoint;
  private final String device;

  private SandboxDisk(Path image, Path mountPoint, String device) {
    this.image = image;
    this.mountPoint = mountPoint;
    this.device = device;
  }

  /** Where a sandbox's disk image lives: beside its work directory, outside what the sandbox sees. */
  static Path imageOf(Path workDir) {
    return workDir.resolveSibling(workDir.getFileName() + ".disk");
  }

  /**
   * Makes the disk and mounts it on {@code mountPoint} (created if missing), its root owned by
   * {@code owner}:{@code group}.
   */
  static SandboxDisk mount(Path mountPoint, long mib, int owner, int group) throws IOException {
    Path image = imageOf(mountPoint);
    Files.createDirectories(mountPoint);
    try {
      Files.deleteIfExists(image);
      // sparse: one byte at the end
      try (FileChannel file = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        file.write(ByteBuffer.wrap(new byte[1]), mib * 1024 * 1024 - 1);
      }
      run("mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal",
          "-E", "lazy_itable_init=1,nodiscard,root_owner=" + owner + ":" + group, image.toString());
      // mount(8) sets the loop device up with autoclear: unmounting frees it
      run("mount", "-t", "ext4", "-o", "loop,nosuid,nodev,noatime", image.toString(), mountPoint.toString());
      SandboxDisk disk = new SandboxDisk(image, mountPoint, device(mountPoint));
      Files.deleteIfExists(mountPoint.resolve("lost+found"));
      return disk;
    } catch (IOException | RuntimeException e) {
      unmount(mountPoint);
      Files.deleteIfExists(image);
      throw e;
    }
  }

  /** {@code major:minor} of the loop device, as cgroups name it. */
  String device() {
    return device;
  }

  /** Unmounts (lazily, should anything still hold it) and deletes the image. */
  void remove() throws IOException {
    unmount(mountPoint);
    Files.deleteIfExists(image);
  }

  /**
   * Unmounts whatever disk is mounted on {@code mountPoint}, if any, and deletes its image: after a
   * node that was killed.
   */
  static void removeLeftover(Path mountPoint) throws IOException {
    unmount(mountPoint);
    Files.deleteIfExists(imageOf(mountPoint));
  }

  private static void unmount(Path mountPoint) throws IOException {
    if (isMountPoint(mountPoint)) {
      run("umount", "--lazy", mountPoint.toString());
    }
  }

  private static boolean isMountPoint(Path dir) throws IOException {
    String target = dir.toAbsolutePath().normalize().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && unescape(fields[4]).equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes. */
  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  private static String device(Path mountPoint) throws IOException {
    long dev = ((Number) Files.getAttribute(mountPoint, "unix:dev")).longValue();
    long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    return major + ":" + minor;
  }

  private static void run(String... command) throws IOException {
    List<String> line = new ArrayList<>(List.of(command));
    line.set(0, Programs.system(command[0]).toString());
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command[0] + " did not finish within " + COMMAND_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command[0]);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException("cannot make the sandbox's disk: " + command[0] + " exited " + process.exitValue()
          + (output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("")));
    }
  }
}
