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
  private final SandboxUser workload;

  NamespaceSandbox(ChildProcessSandbox process, SandboxCgroup cgroup, SandboxUser user, SandboxUser workload) {
    this.process = process;
    this.cgroup = cgroup;
    this.user = user;
    this.workload = workload;
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
    return process.describe() + " uid=" + user.uid() + " workload_uid=" + workload.uid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return process.onExit();
  }

  @Override
  public Path workFile(String fileName) {
    return process.workFile(fileName);
  }

  /**
   * Made by the node (root), then given to the agent's user with the workload's group: the
   * workload can run it, not change it.
   */
  @Override
  public FileChannel createArtifact(String fileName) throws IOException {
    FileChannel out = process.createArtifact(fileName);
    try {
      Files.setAttribute(process.workFile(fileName), "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(process.workFile(fileName), "unix:gid", workload.uid(), LinkOption.NOFOLLOW_LINKS);
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
