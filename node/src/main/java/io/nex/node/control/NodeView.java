package io.nex.node.control;

import io.nex.api.control.AuctionResponse.Capacity;
import io.nex.api.control.InfoResponse.MachineSummary;
import io.nex.api.control.InfoResponse.PooledAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the control handlers may read of the node. */
public interface NodeView {
  String id();

  String nexus();

  String publicXkey();

  Map<String, String> tags();

  Duration uptime();

  /** Deployed workloads; warm sandboxes do not count (Nex bug #129). */
  int runningWorkloads();

  List<MachineSummary> machines(String namespace);

  String sandboxKind();

  List<PooledAgent> pool();

  List<String> supportedWorkloadTypes();

  /** Whether this node runs workloads of {@code type} (any spelling, e.g. {@code v8}). */
  boolean runs(String type);

  /** What the node has free for one more workload, for auction bids. */
  Capacity capacity();

  /** Whether the node's limits leave room for one more workload of {@code bytes}. */
  boolean hasRoomFor(long bytes);

  /** True once the node entered lame duck mode: it takes no new work. */
  boolean lameDuck();
}
