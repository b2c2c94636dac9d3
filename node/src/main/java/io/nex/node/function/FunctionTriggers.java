package io.nex.node.function;

import io.nex.node.workload.Deployment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Routes deployed functions' trigger subjects to their agents: {@link TriggerRouter} in the node. */
public interface FunctionTriggers {
  /** Starts routing; over the socket at {@code triggerSocket} when there is one, else over the internal server. */
  void route(Deployment deployment, Optional<Path> triggerSocket) throws IOException;

  /**
   * Starts routing a function in a function host, over the one socket at {@code hostSocket} that
   * the host's agent takes all its functions' triggers on; the first function of a host connects
   * it, and its {@code socketEnded} runs, once, if that socket ends before the router closes (the
   * host's sandbox died, or its agent closed the socket): no function of the host is reachable
   * any more, and no later one can connect. From that first connect until the socket ends, the
   * host's session sends its adds and removes over the socket too ({@code AgentSession.changesOver}).
   *
   * <p>{@code added} is the agent's adding of the function, which may still be under way: into a
   * host whose socket is connected the subscriptions are made at once, and triggers that arrive
   * before the add completes wait for it (and are answered with an error if it fails); the first
   * function of a host waits for its add, since the agent listens only once it has a function.
   * If the add fails nothing is routed; its caller hears why from the add itself.
   */
  void routeHosted(Deployment deployment, String hostId, Path hostSocket, Runnable socketEnded,
      CompletableFuture<?> added) throws IOException;

  /** Stops routing to a workload; messages already sent to it still get their answer. */
  void unroute(String workloadId);
}
