package io.nex.node.metrics;

/** The body of {@code /healthz}: {@code status} is "ok", or "unavailable" with the reason. */
public record Health(String status, String nodeId, int poolReady, int workloads, String reason) {
  public static Health ok(String nodeId, int poolReady, int workloads) {
    return new Health("ok", nodeId, poolReady, workloads, null);
  }

  public static Health unavailable(String nodeId, int poolReady, int workloads, String reason) {
    return new Health("unavailable", nodeId, poolReady, workloads, reason);
  }

  boolean isOk() {
    return reason == null;
  }
}
