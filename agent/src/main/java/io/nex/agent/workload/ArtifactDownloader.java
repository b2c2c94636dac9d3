package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nex.api.agent.AgentDeployRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fetches the workload from the sandbox's own {@code NEXCACHE} object store into a file and
 * refuses it unless its sha256 is the one the node vouched for.
 */
final class ArtifactDownloader {
  private ArtifactDownloader() {}

  static Path download(Connection connection, String expectedSha256, Path target) throws ArtifactException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      ObjectStore store = connection.objectStore(AgentDeployRequest.ARTIFACT_BUCKET);
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha256)) {
        store.get(AgentDeployRequest.ARTIFACT_KEY, out);
      }
    } catch (IOException | JetStreamApiException | NoSuchAlgorithmException e) {
      throw new ArtifactException("cannot fetch the artifact from " + AgentDeployRequest.ARTIFACT_BUCKET + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("interrupted while fetching the artifact");
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equalsIgnoreCase(expectedSha256)) {
      deleteQuietly(target);
      throw new ArtifactException("artifact hash mismatch: expected " + expectedSha256 + ", got " + actual);
    }
    try {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-x---"));
    } catch (IOException e) {
      throw new ArtifactException("cannot make the artifact executable: " + e.getMessage());
    }
    return target;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the sandbox directory goes away with the sandbox anyway
    }
  }

  /** The artifact cannot be used; the message says why, for the reply and the event. */
  static final class ArtifactException extends Exception {
    ArtifactException(String message) {
      super(message);
    }
  }
}
