package io.nex.node.function;

import io.nex.node.workload.Deployment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Routes deployed functions' trigger subjects to their agents: {@link TriggerRouter} in the node. */
public interface FunctionTriggers {
  /** Starts routing; over the socket at {@code triggerSocket} when there is one, else over the internal server. */
  void route(Deployment deployment, Optional<Path> triggerSocket) throws IOException;

  /**
   * Starts routing a function in a function host, over the one socket at {@code hostSocket} that
   * the host's agent takes all its functions' triggers on; the first function of a host connects
   * it, and its {@code socketEnded} runs, once, if that socket ends before the router closes (the
   * host's sandbox died, or its agent closed the socket): no function of the host is reachable
   * any more, and no later one can connect.
   */
  void routeHosted(Deployment deployment, String hostId, Path hostSocket, Runnable socketEnded) throws IOException;

  /** Stops routing to a workload; messages already sent to it still get their answer. */
  void unroute(String workloadId);
}
