package io.nex.node.workload;

/** Where deploys get their artifacts: {@link ArtifactCache} in the node, a fake in unit tests. */
public interface ArtifactSource {
  /** The artifact at {@code location}, fetched (or found in a cache), at most {@code maxBytes} (0: no limit). */
  Artifact fetch(ArtifactLocation location, String jsDomain, long maxBytes) throws ArtifactException;
}
