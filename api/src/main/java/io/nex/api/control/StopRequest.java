package io.nex.api.control;

/** Body of {@code $NEX.STOP.{ns}.{node}}: a fresh JWT from the issuer that deployed the workload. */
public record StopRequest(String workloadId, String workloadJwt, String targetNode) {}
