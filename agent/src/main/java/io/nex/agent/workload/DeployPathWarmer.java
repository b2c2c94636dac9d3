package io.nex.agent.workload;

import io.nex.api.Json;
import io.nex.api.WorkloadType;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.HostMemory;
import io.nex.api.agent.WorkloadEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent runs its deploy path exactly once, so without help it always runs it cold: JSON
 * binding for the deploy record, file access and the first process spawn each cost
 * class loading and interpretation. Going through them once while the sandbox waits in the warm
 * pool takes that cost off the deploy itself (a function host's first add included: its answer
 * reads the host's memory).
 */
public final class DeployPathWarmer {
  private static final int COMPILE_CALLS = 250;

  private DeployPathWarmer() {}

  public static void warm(Path workDir) {
    try {
      byte[] request = Json.write(new AgentDeployRequest(List.of("a"), "d", Map.of("K", "V"), false, "00", "ns", null, 0,
          1, List.of(), "warm", "native", 64, 5000, 12288, false, false));
      HostMemory memory = MemoryInUse.now();
      // often enough for C1 to compile it (a few hundred calls): run once, it would stay interpreted
      for (int i = 0; i < COMPILE_CALLS; i++) {
        Json.read(request, AgentDeployRequest.class);
        Json.write(new DeployAck(true, "warm", memory));
        Json.write(new WorkloadEvent("warm", 0, null));
        Json.write(new AgentLogLine("workload", 0, "warm"));
        WorkloadCommand.forService(WorkloadType.NATIVE, workDir.resolve("warm"), List.of("a"), Map.of("K", "V"), 64, workDir,
            Optional.empty());
      }
      Path probe = Files.createTempFile(workDir, "warm", ".tmp");
      Files.write(probe, request);
      Files.size(probe);
      Files.delete(probe);
      WorkloadProcess warm = WorkloadProcess.start(new ProcessBuilder("true").directory(workDir.toFile()));
      warm.relayOutput((line, isStderr) -> { });
      warm.onExit().get(5, TimeUnit.SECONDS);
    } catch (IOException | Json.MalformedJsonException | ExecutionException
        | TimeoutException e) {
      // warming is an optimisation: a failure here shows up, if at all, in the real deploy
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
