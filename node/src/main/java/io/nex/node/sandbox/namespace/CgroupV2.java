package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * cgroup v2: one hierarchy. Sandboxes sit under {@code nex/} at the root, like a cgroupfs-driven
 * container runtime, with the three controllers enabled on the way down. (A node inside a
 * container whose cgroup root already holds processes cannot enable them; preflight says so.)
 * {@code io} is added for a sandbox with disk rates ({@code io.max} on its disk).
 */
final class CgroupV2 implements CgroupTree {
  private static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
  /** Enabled and used only for a sandbox with disk rates. */
  private static final String IO = "io";

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
    List<String> needed = new ArrayList<>(CONTROLLERS);
    if (limits.disk().isPresent()) {
      needed.add(IO);
    }
    for (String controller : needed) {
      if (!available.contains(controller)) {
        throw new IOException("the " + controller + " controller is not available in " + root);
      }
    }
    Path parent = root.resolve("nex");
    Files.createDirectories(parent);
    enableControllers(root, needed);
    enableControllers(parent, needed);
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
      if (limits.disk().isPresent()) {
        Files.writeString(dir.resolve("io.max"), limits.disk().get().ioMax());
      }
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

  private static void enableControllers(Path dir, List<String> controllers) throws IOException {
    Path control = dir.resolve("cgroup.subtree_control");
    List<String> enabled = Arrays.asList(Files.readString(control).trim().split("\\s+"));
    if (!enabled.containsAll(controllers)) {
      Files.writeString(control, String.join(" ", controllers.stream().map(c -> "+" + c).toList()));
    }
  }
}
