package io.nex.node.workload;

import java.net.URI;
import java.net.URISyntaxException;

/** A {@code nats://BUCKET/key} artifact location in the control plane's object store. */
public record ArtifactLocation(String bucket, String key) {
  public static ArtifactLocation parse(String location) throws ArtifactException {
    if (location == null || location.isBlank()) {
      throw new ArtifactException("missing artifact location (expected nats://BUCKET/key)");
    }
    try {
      URI uri = new URI(location);
      String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
      if (!"nats".equals(uri.getScheme()) || uri.getHost() == null || key.isEmpty()) {
        throw new ArtifactException("bad artifact location \"" + location + "\" (expected nats://BUCKET/key)");
      }
      return new ArtifactLocation(uri.getHost(), key);
    } catch (URISyntaxException e) {
      throw new ArtifactException("bad artifact location \"" + location + "\" (expected nats://BUCKET/key)");
    }
  }

  @Override
  public String toString() {
    return "nats://" + bucket + "/" + key;
  }
}
