package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nex.api.Subjects;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches the workload from the node, chunk by chunk, into a file, and refuses it unless its
 * sha256 is the one the node vouched for.
 */
final class ArtifactDownloader {
  private static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(10);

  private ArtifactDownloader() {}

  static Path download(Connection connection, String sandboxId, long totalBytes, String expectedSha256, Path target)
      throws ArtifactException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (OutputStream out = Files.newOutputStream(target)) {
      long offset = 0;
      while (offset < totalBytes) {
        Message chunk = connection.request(Subjects.artifact(sandboxId),
            Long.toString(offset).getBytes(StandardCharsets.UTF_8), CHUNK_TIMEOUT);
        if (chunk == null || chunk.getData() == null || chunk.getData().length == 0) {
          throw new ArtifactException("the node did not hand over the artifact (at byte " + offset + " of "
              + totalBytes + ")");
        }
        out.write(chunk.getData());
        sha256.update(chunk.getData());
        offset += chunk.getData().length;
      }
    } catch (IOException | RuntimeException e) {
      throw new ArtifactException("cannot fetch the artifact: " + e.getMessage());
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
