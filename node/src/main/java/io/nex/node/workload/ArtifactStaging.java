package io.nex.node.workload;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.node.internal.InternalServer;
import io.nex.node.internal.SandboxCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.NoSuchAlgorithmException;

/**
 * Puts an artifact where one agent, and only that agent, can read it: the {@code NEXCACHE}
 * object store of the sandbox's own account on the internal server.
 */
public final class ArtifactStaging {
  private final InternalServer internal;

  public ArtifactStaging(InternalServer internal) {
    this.internal = internal;
  }

  public void stage(SandboxCredentials sandbox, Artifact artifact) throws ArtifactException {
    try (Connection connection = internal.connectAs(sandbox, "nex-node-staging-" + sandbox.sandboxId())) {
      connection.objectStoreManagement().create(ObjectStoreConfiguration.builder()
          .name(AgentDeployRequest.ARTIFACT_BUCKET)
          .storageType(StorageType.Memory)
          .build());
      ObjectStore store = connection.objectStore(AgentDeployRequest.ARTIFACT_BUCKET);
      try (InputStream in = Files.newInputStream(artifact.file())) {
        store.put(ObjectMeta.objectName(AgentDeployRequest.ARTIFACT_KEY), in);
      }
    } catch (IOException | JetStreamApiException | NoSuchAlgorithmException e) {
      throw new ArtifactException("cannot hand the artifact to sandbox " + sandbox.sandboxId() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("interrupted while staging the artifact");
    }
  }
}
