package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * cgroup v2: one hierarchy. Sandboxes sit under {@code nex/} at the root, like a cgroupfs-driven
 * container runtime, with the three controllers enabled on the way down. (A node inside a
 * container whose cgroup root already holds processes cannot enable them; preflight says so.)
 */
final class CgroupV2 implements CgroupTree {
  private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");

  private final Path root;

  CgroupV2(Path root) {
    this.root = root;
  }

  @Override
  public String version() {
    return "v2";
  }

  @Override
  public SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException {
    List<String> available = Arrays.asList(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
    for (String controller : CONTROLLERS) {
      if (!available.contains(controller)) {
        throw new IOException("the " + controller + " controller is not available in " + root);
      }
    }
    Path parent = root.resolve("nex");
    Files.createDirectories(parent);
    enableControllers(root);
    enableControllers(parent);
    Path dir = parent.resolve(sandboxId);
    Files.createDirectory(dir);
    SandboxCgroup cgroup = new SandboxCgroup(List.of(dir), dir.resolve("memory.events"));
    try {
      Files.writeString(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
      Path swap = dir.resolve("memory.swap.max");
      if (Files.exists(swap)) {
        Files.writeString(swap, "0");
      }
      Files.writeString(dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + CgroupLimits.CPU_PERIOD_MICROS);
      Files.writeString(dir.resolve("pids.max"), Integer.toString(limits.pids()));
      return cgroup;
    } catch (IOException | RuntimeException e) {
      try {
        cgroup.remove();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void enableControllers(Path dir) throws IOException {
    Path control = dir.resolve("cgroup.subtree_control");
    List<String> enabled = Arrays.asList(Files.readString(control).trim().split("\\s+"));
    if (!enabled.containsAll(CONTROLLERS)) {
      Files.writeString(control, "+memory +cpu +pids");
    }
  }
}
