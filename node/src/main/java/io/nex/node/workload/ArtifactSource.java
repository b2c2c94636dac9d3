package io.nex.node.workload;

/** Where deploys get their artifacts: {@link ArtifactCache} in the node, a fake in unit tests. */
public interface ArtifactSource {
  /** The artifact at {@code location}, fetched (or found in a cache), at most {@code maxBytes} (0: no limit). */
  Artifact fetch(ArtifactLocation location, String jsDomain, long maxBytes) throws ArtifactException;

  /**
   * The sha256 of what {@code location} holds now, at most {@code maxBytes}, for a deploy whose
   * artifact the node has already: when it is {@code expected}, the answer may come from what the
   * node knows of the bucket instead of a lookup.
   */
  default String currentSha256(ArtifactLocation location, String jsDomain, long maxBytes, String expected)
      throws ArtifactException {
    return fetch(location, jsDomain, maxBytes).sha256();
  }
}
