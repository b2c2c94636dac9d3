package io.nex.agent.workload;

import io.nex.api.Json;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.WorkloadEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent runs its deploy path exactly once, so without help it always runs it cold: JSON
 * binding for the deploy record, SHA-256, file permissions and the first process spawn each cost
 * class loading and interpretation. Going through them once while the sandbox waits in the warm
 * pool takes that cost off the deploy itself.
 */
public final class DeployPathWarmer {
  private DeployPathWarmer() {}

  public static void warm(Path workDir) {
    try {
      byte[] request = Json.write(new AgentDeployRequest(List.of("a"), "d", Map.of("K", "V"), false, "00", "ns", null, 0,
          1, List.of(), "warm", "native", 64, 5000, 12288));
      Json.read(request, AgentDeployRequest.class);
      Json.write(new DeployAck(true, "warm"));
      Json.write(new WorkloadEvent("warm", 0, "warm"));
      Json.write(new AgentLogLine("workload", 0, "warm"));
      // enough hashing for the JIT to compile SHA-256 before a real artifact comes
      byte[] block = new byte[64 * 1024];
      for (int i = 0; i < 16; i++) {
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(block));
      }
      Path probe = Files.createTempFile(workDir, "warm", ".tmp");
      Files.write(probe, request);
      Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwxr-x---"));
      Files.delete(probe);
      WorkloadProcess.start(new ProcessBuilder("true").directory(workDir.toFile()), (line, isStderr) -> { })
          .onExit().get(5, TimeUnit.SECONDS);
    } catch (IOException | NoSuchAlgorithmException | Json.MalformedJsonException | ExecutionException
        | TimeoutException e) {
      // warming is an optimisation: a failure here shows up, if at all, in the real deploy
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
