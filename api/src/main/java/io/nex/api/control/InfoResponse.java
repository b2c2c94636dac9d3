package io.nex.api.control;

import java.util.List;
import java.util.Map;

/**
 * Reply to {@code $NEX.INFO.{ns}.{node}}. {@code sandbox} and {@code pool} are ours: which sandbox
 * driver the node runs and the state of each warm agent.
 */
public record InfoResponse(
    String nodeId,
    String version,
    String uptime,
    String publicXkey,
    Map<String, String> tags,
    Memory memory,
    List<String> supportedWorkloadTypes,
    List<MachineSummary> machines,
    String sandbox,
    List<PooledAgent> pool,
    AuctionResponse.Capacity capacity) {

  /** Host memory in kB, from /proc/meminfo. */
  public record Memory(long total, long free, long available) {}

  /**
   * A deployed workload as {@code node info} shows it. {@code host} (ours): for a function in a
   * function host, the host's sandbox id; null for a workload in a sandbox of its own.
   */
  public record MachineSummary(
      String id, boolean healthy, String uptime, String namespace, WorkloadSummary workload, String host) {}

  /** {@code essential} is ours (Nex shows it nowhere): whether the node restarts it when it exits. */
  public record WorkloadSummary(
      String name, String description, String runtime, String type, String hash, boolean essential) {}

  /** One sandbox of the warm pool and its state ({@code starting}, {@code ready}). */
  public record PooledAgent(String id, String state) {}
}
