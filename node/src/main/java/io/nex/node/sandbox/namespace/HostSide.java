package io.nex.node.sandbox.namespace;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.fs.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A sandbox's files that live outside its work directory, where it cannot change them: the few
 * {@code /etc} files it gets instead of the host's (no host users, no DNS: names resolve from
 * {@code hosts} only), the directory of the bridge's unix sockets, and the compiled seccomp
 * filter bwrap loads ({@link SeccompFilter}). Kept in a short temporary
 * directory because a unix socket path must fit in 107 bytes, which a path under the node's
 * resource directory need not.
 */
final class HostSide {
  static final Path SOCKETS_INSIDE = Path.of("/run/nex");

  private final Path dir;
  private final Map<String, String> etc;
  private final Optional<Path> seccompFilter;

  private HostSide(Path dir, Map<String, String> etc, Optional<Path> seccompFilter) {
    this.dir = dir;
    this.etc = etc;
    this.seccompFilter = seccompFilter;
  }

  /** @param agent the agent's user, @param workload its workload's, at home in {@code workDir/home} */
  static HostSide create(String sandboxId, SandboxUser agent, SandboxUser workload, Path workDir) throws IOException {
    Path dir = Files.createTempDirectory("nex-" + sandboxId + "-");
    Optional<byte[]> filter = SeccompFilter.forThisHost();
    HostSide side = new HostSide(dir, Map.of(
        "hosts", "127.0.0.1 localhost\n",
        "passwd", "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
            + "nex:x:" + agent.uid() + ":" + agent.uid() + ":nex agent:" + workDir + ":/usr/sbin/nologin\n"
            + "workload:x:" + workload.uid() + ":" + workload.uid() + ":nex workload:"
            + workDir.resolve(AgentMetadata.WORKLOAD_HOME) + ":/usr/sbin/nologin\n",
        "group", "root:x:0:\nnex:x:" + agent.uid() + ":\nworkload:x:" + workload.uid() + ":\n",
        "nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n"),
        filter.map(f -> dir.resolve("seccomp.bpf")));
    try {
      // the directory stays 0700: inside, only the binds of its entries are walked, not it
      Files.createDirectory(side.sockets());
      for (Map.Entry<String, String> file : side.etc.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue());
      }
      if (filter.isPresent()) {
        Files.write(side.seccompFilter.get(), filter.get());
      }
      return side;
    } catch (IOException | RuntimeException e) {
      side.delete();
      throw e;
    }
  }

  /** The filter bwrap loads (read by the node's side of the launch, never bound inside). */
  Optional<Path> seccompFilter() {
    return seccompFilter;
  }

  Path sockets() {
    return dir.resolve("sockets");
  }

  void addTo(MountPlan plan) {
    etc.keySet().forEach(name -> plan.readOnly(dir.resolve(name), Path.of("/etc", name)));
    plan.readOnly(sockets(), SOCKETS_INSIDE);
  }

  void delete() throws IOException {
    DirectoryTree.delete(dir);
  }
}
