package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * cgroup v1: a hierarchy per controller under {@code /sys/fs/cgroup/{controller}}. Controllers
 * mounted together (e.g. {@code cpu,cpuacct}, reached through a {@code cpu} symlink) share one
 * directory, found through the real path. {@code blkio} joins only for a sandbox with disk rates;
 * v1 throttles only the I/O a process issues itself (direct and synchronous I/O, reads), not
 * buffered writes flushed later by the kernel on its behalf.
 */
final class CgroupV1 implements CgroupTree {
  private final Path root;

  CgroupV1(Path root) {
    this.root = root;
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException {
    Path memory = sandboxDir("memory", sandboxId);
    Path cpu = sandboxDir("cpu", sandboxId);
    Path pids = sandboxDir("pids", sandboxId);
    Set<Path> dirs = new LinkedHashSet<>(List.of(memory, cpu, pids));
    Optional<Path> blkio = limits.disk().isPresent() ? Optional.of(sandboxDir("blkio", sandboxId)) : Optional.empty();
    blkio.ifPresent(dirs::add);
    List<Path> created = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir);
        created.add(dir);
      }
      String bytes = Long.toString(limits.memoryBytes());
      Files.writeString(memory.resolve("memory.limit_in_bytes"), bytes);
      // with swap accounting on, memory+swap gets the same bound: the limit is not dodged by swapping
      Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
      if (Files.exists(memsw)) {
        Files.writeString(memsw, bytes);
      }
      Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.CPU_PERIOD_MICROS));
      Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
      Files.writeString(pids.resolve("pids.max"), Integer.toString(limits.pids()));
      if (blkio.isPresent()) {
        throttle(blkio.get(), limits.disk().get());
      }
      return new SandboxCgroup(List.copyOf(dirs), memory.resolve("memory.oom_control"));
    } catch (IOException | RuntimeException e) {
      try {
        new SandboxCgroup(created, memory.resolve("memory.oom_control")).remove();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void throttle(Path blkio, DiskRates rates) throws IOException {
    if (rates.bytesPerSecond() > 0) {
      String line = rates.device() + " " + rates.bytesPerSecond();
      Files.writeString(blkio.resolve("blkio.throttle.read_bps_device"), line);
      Files.writeString(blkio.resolve("blkio.throttle.write_bps_device"), line);
    }
    if (rates.opsPerSecond() > 0) {
      String line = rates.device() + " " + rates.opsPerSecond();
      Files.writeString(blkio.resolve("blkio.throttle.read_iops_device"), line);
      Files.writeString(blkio.resolve("blkio.throttle.write_iops_device"), line);
    }
  }

  private Path sandboxDir(String controller, String sandboxId) throws IOException {
    Path mount = root.resolve(controller);
    if (!Files.exists(mount.resolve("cgroup.procs"))) {
      throw new IOException("the " + controller + " controller is not mounted at " + mount);
    }
    return mount.toRealPath().resolve("nex").resolve(sandboxId);
  }
}
