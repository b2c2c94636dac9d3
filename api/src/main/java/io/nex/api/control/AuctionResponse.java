package io.nex.api.control;

import java.util.Comparator;
import java.util.Map;

/**
 * A bid in {@code $NEX.AUCTION}: ping-shaped as in Nex, plus (ours) the node's free capacity so
 * that the asker can pick the best bidder instead of a random one.
 */
public record AuctionResponse(
    String nodeId,
    String nexus,
    String version,
    String uptime,
    String targetXkey,
    Map<String, String> tags,
    int runningMachines,
    Capacity capacity) {

  /**
   * What the node has free right now. {@code free_workload_slots} is -1 when the node sets no
   * {@code max_workloads}; it counts functions one by one, hosted or not. {@code function_hosts}
   * is how many function hosts run, {@code free_function_slots} how many more functions they take
   * (each only for its own tenant); a function of a tenant without a host takes a warm sandbox.
   */
  public record Capacity(int warmSandboxes, long freeWorkloadSlots, long memoryAvailableBytes, int functionHosts,
      long freeFunctionSlots) {}

  /**
   * The placement rule, best bid first: a node with a warm sandbox ready (the deploy does not wait
   * for one to boot), then the node running the fewest workloads. Bids that compare equal are
   * equally good; the asker picks one of them at random. Bids without capacity (older nodes) rank
   * last.
   */
  public static final Comparator<AuctionResponse> BEST_FIRST = Comparator
      .comparing((AuctionResponse b) -> b.capacity() == null)
      .thenComparing(b -> b.capacity() == null || b.capacity().warmSandboxes() == 0)
      .thenComparingInt(AuctionResponse::runningMachines);
}
