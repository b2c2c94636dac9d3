package io.nex.node.sandbox.process;

import io.nex.node.sandbox.AgentClassArchive;
import io.nex.node.sandbox.AgentLaunch;
import io.nex.node.sandbox.ChildProcessSandbox;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSpec;
import io.nex.node.spawn.TiedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code process} sandbox (Nex's {@code no_sandbox}): each agent is a child process with a
 * working directory of its own and a clean environment. No isolation: workloads run with the
 * node's privileges, and the node says so with the {@code nex.unsafe} tag.
 */
public final class ProcessSandboxDriver implements SandboxDriver {
  private final String agentPath;
  private final int agentHeapMib;

  private final AgentClassArchive classArchive = AgentClassArchive.forThisJvm();

  /** {@code agentHeapMib}: see {@link AgentLaunch#command}. */
  public ProcessSandboxDriver(String agentPath, int agentHeapMib) {
    this.agentPath = agentPath;
    this.agentHeapMib = agentHeapMib;
  }

  @Override
  public String kind() {
    return "process";
  }

  @Override
  public boolean isolated() {
    return false;
  }

  @Override
  public Sandbox launch(SandboxSpec spec) throws IOException {
    Files.createDirectories(spec.workDir());
    List<String> command = new ArrayList<>(AgentLaunch.command(agentPath, agentHeapMib));
    if (agentPath == null || agentPath.isBlank()) {
      command.addAll(1, classArchive.jvmOptions(spec.id(), spec.workDir()));
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(spec.workDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.clear();
    env.putAll(AgentLaunch.environment(spec, path));
    return new ChildProcessSandbox(spec.id(), TiedProcess.startInOwnSession(builder), spec.workDir(),
        () -> classArchive.sandboxGone(spec.id(), spec.workDir()));
  }
}
