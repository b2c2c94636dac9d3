package io.nex.node.sandbox.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where sandbox cgroups live: {@code /sys/fs/cgroup/nex/{id}} on cgroup v2, or
 * {@code /sys/fs/cgroup/{memory,cpu,pids}/nex/{id}} on v1. The {@code nex} parent stays; each
 * sandbox's own cgroup goes with the sandbox.
 */
interface CgroupTree {
  Path ROOT = Path.of("/sys/fs/cgroup");

  static CgroupTree detect() {
    return Files.exists(ROOT.resolve("cgroup.controllers")) ? new CgroupV2(ROOT) : new CgroupV1(ROOT);
  }

  /** "v1" or "v2", for logs and preflight. */
  String version();

  /** Creates the sandbox's cgroup with its limits set; nothing is in it yet. */
  SandboxCgroup create(String sandboxId, CgroupLimits limits) throws IOException;

  /** Why sandbox cgroups cannot be made here, found by making (and removing) one. */
  default Optional<String> unavailableReason() {
    String probeId = "probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try {
      create(probeId, new CgroupLimits(64L * 1024 * 1024, 1, CgroupLimits.DEFAULT_PIDS, Optional.empty())).remove();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("cannot create a cgroup " + version() + " for sandboxes: " + e.getMessage());
    }
  }
}
