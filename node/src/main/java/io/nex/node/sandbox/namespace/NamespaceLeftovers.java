package io.nex.node.sandbox.namespace;

import io.nex.node.fs.DirectoryTree;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a namespace sandbox leaves outside its work directory when its node dies without
 * cleaning up: its cgroup (v2 {@code nex/{id}}, v1 one per controller), its host-side
 * directory ({@code nex-{id}-*} in the temporary directory) and its disk (mounted on the work
 * directory, its image beside it). Removed by the next node start.
 */
public final class NamespaceLeftovers {
  private static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "pids", "blkio");

  private NamespaceLeftovers() {}

  /** What was removed for one sandbox. */
  public record Removed(int cgroups, int hostDirs) {}

  /** Whether {@code path} in the sandboxes directory is a sandbox's disk image, not a sandbox. */
  public static boolean isDiskImage(Path path) {
    return path.getFileName().toString().endsWith(".disk");
  }

  /**
   * Removes the cgroup (killing anything still in it), host-side files and disk of the sandbox
   * whose work directory is {@code workDir}.
   */
  public static Removed remove(Path workDir) throws IOException {
    String sandboxId = workDir.getFileName().toString();
    List<Path> cgroupDirs = new ArrayList<>();
    Path v2 = CgroupTree.ROOT.resolve("nex").resolve(sandboxId);
    if (Files.isDirectory(v2)) {
      cgroupDirs.add(v2);
    }
    for (String controller : V1_CONTROLLERS) {
      Path v1 = CgroupTree.ROOT.resolve(controller).resolve("nex").resolve(sandboxId);
      if (Files.isDirectory(v1)) {
        cgroupDirs.add(v1);
      }
    }
    if (!cgroupDirs.isEmpty()) {
      new SandboxCgroup(cgroupDirs, cgroupDirs.get(0).resolve("memory.events")).remove();
    }
    int hostDirs = 0;
    try (DirectoryStream<Path> tmp = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
        "nex-" + sandboxId + "-*")) {
      for (Path dir : tmp) {
        DirectoryTree.delete(dir);
        hostDirs++;
      }
    }
    // after the cgroup: nothing of the sandbox holds its disk any more
    SandboxDisk.removeLeftover(workDir);
    return new Removed(cgroupDirs.isEmpty() ? 0 : 1, hostDirs);
  }
}
