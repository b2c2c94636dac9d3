package io.nex.node.sandbox;

import io.nex.api.agent.AgentDeployRequest;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** One running sandbox with its agent. It is destroyed after use, never reused. */
public interface Sandbox {
  String id();

  /** Something a person can use to find it: a pid, a VM id. */
  String describe();

  boolean isAlive();

  /** Completes with the agent's exit code when the sandbox goes away for any reason. */
  CompletableFuture<Integer> onExit();

  /** How many times the sandbox's memory limit killed a process; 0 where there is no limit. */
  default long memoryLimitKills() {
    return 0;
  }

  /**
   * Creates the file the agent will find its workload in ({@code AgentDeployRequest.ARTIFACT_FILE}
   * in its working directory), which the agent and its workload can read and execute. Fails if
   * anything is already there, a link included, so nothing in the sandbox can redirect the write.
   */
  default WritableByteChannel createArtifact() throws IOException {
    return createArtifact(AgentDeployRequest.ARTIFACT_FILE);
  }

  /** As {@link #createArtifact()}, named {@code fileName}: a function host holds one file per artifact hash. */
  WritableByteChannel createArtifact(String fileName) throws IOException;

  /**
   * Where the agent of a function listens for triggers when asked to, and the agent of a function
   * host for all its functions' ({@code AgentDeployRequest.TRIGGER_SOCKET_FILE} in its working directory); reachable from the
   * node only where the driver {@linkplain SandboxDriver#sharesWorkDir() shares the working directory}.
   */
  default Path triggerSocket() {
    return workFile(AgentDeployRequest.TRIGGER_SOCKET_FILE);
  }

  /** {@code fileName} in the agent's working directory, as the node sees it. */
  Path workFile(String fileName);

  /** Stops the agent and everything it started, then removes the sandbox's files. */
  void destroy();
}
