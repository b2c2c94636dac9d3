package io.nex.node.sandbox.namespace;

import io.nex.node.sandbox.ChildProcessSandbox;
import io.nex.node.sandbox.Sandbox;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A running namespace sandbox: a {@link ChildProcessSandbox} (the outer process is bwrap) that
 * can also say whether its memory limit killed anything, so that a workload's end can be
 * reported as "killed by the memory limit" rather than as a bare exit code 137.
 */
public final class NamespaceSandbox implements Sandbox {
  private final ChildProcessSandbox process;
  private final SandboxCgroup cgroup;
  private final SandboxUser user;

  NamespaceSandbox(ChildProcessSandbox process, SandboxCgroup cgroup, SandboxUser user) {
    this.process = process;
    this.cgroup = cgroup;
    this.user = user;
  }

  /**
   * How many processes of this sandbox the kernel has killed for going over the memory limit
   * (the cgroup's {@code oom_kill} counter). Ask when the workload or the agent has exited and
   * before {@link #destroy}; afterwards it keeps answering with the last count read.
   */
  @Override
  public long memoryLimitKills() {
    return cgroup.memoryLimitKills();
  }

  SandboxCgroup cgroup() {
    return cgroup;
  }

  @Override
  public String id() {
    return process.id();
  }

  @Override
  public String describe() {
    return process.describe() + " uid=" + user.uid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return process.onExit();
  }

  /** Made by the node (root), then given to the sandbox user, who runs it. */
  @Override
  public Path workFile(String fileName) {
    return process.workFile(fileName);
  }

  @Override
  public FileChannel createArtifact(String fileName) throws IOException {
    FileChannel out = process.createArtifact(fileName);
    try {
      Files.setAttribute(process.workFile(fileName), "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(process.workFile(fileName), "unix:gid", user.uid(), LinkOption.NOFOLLOW_LINKS);
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  @Override
  public void destroy() {
    process.destroy();
  }
}
