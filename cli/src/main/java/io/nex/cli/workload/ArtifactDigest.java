package io.nex.cli.workload;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ObjectInfo;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** The sha256 a workload JWT names: of a local file, or as the object store recorded it. */
final class ArtifactDigest {
  private ArtifactDigest() {}

  /** An artifact in the object store: its sha256 (hex) and size, which the auction weighs. */
  record Stored(String sha256, long size) {}

  static String ofFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha256.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code nats://BUCKET/key} → the digest the object store keeps for it. */
  static Stored ofStoredObject(ControlPlaneClient client, String location) {
    URI uri = URI.create(location);
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (!"nats".equals(uri.getScheme()) || uri.getHost() == null || key.isEmpty()) {
      throw new CliException("bad artifact location \"" + location + "\" (expected nats://BUCKET/key)");
    }
    try {
      ObjectInfo info = client.connection().objectStore(uri.getHost()).getInfo(key);
      if (info == null || info.isDeleted()) {
        throw new CliException("no artifact at " + location);
      }
      String digest = info.getDigest();
      if (digest == null || !digest.startsWith("SHA-256=")) {
        throw new CliException("artifact " + location + " has no SHA-256 digest");
      }
      return new Stored(HexFormat.of().formatHex(Base64.getUrlDecoder().decode(digest.substring("SHA-256=".length()))),
          info.getSize());
    } catch (IOException | JetStreamApiException e) {
      throw new CliException("cannot read " + location + ": " + e.getMessage());
    }
  }
}
