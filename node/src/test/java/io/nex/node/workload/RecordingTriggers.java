package io.nex.node.workload;

import io.nex.node.function.FunctionTriggers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Trigger routing as a list of what was asked: {@code "{id} {socket file name}"} (or
 * {@code "{id} nats"} without a socket) per route, {@code "{id} in {host id} {socket file name}"}
 * per route into a function host whose add succeeded, {@code "unrouted {id}"} per unroute.
 */
final class RecordingTriggers implements FunctionTriggers {
  final List<String> routed = new CopyOnWriteArrayList<>();
  /** What each host's first route was told to run should its socket end. */
  final Map<String, Runnable> socketEnded = new ConcurrentHashMap<>();

  @Override
  public void route(Deployment deployment, Optional<Path> triggerSocket) {
    routed.add(deployment.id() + " " + triggerSocket.map(Path::getFileName).map(Path::toString).orElse("nats"));
  }

  @Override
  public void routeHosted(Deployment deployment, String hostId, Path hostSocket, Runnable socketEnded,
      CompletableFuture<?> added) {
    // as the router: a function whose add fails gets no trigger
    try {
      added.join();
    } catch (CompletionException e) {
      return;
    }
    routed.add(deployment.id() + " in " + hostId + " " + hostSocket.getFileName());
    this.socketEnded.putIfAbsent(hostId, socketEnded);
  }

  @Override
  public void unroute(String workloadId) {
    routed.add("unrouted " + workloadId);
  }
}
