package io.nex.node.workload;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Which workloads this node runs, by id. */
public final class Deployments {
  private final Map<String, Deployment> byId = new ConcurrentHashMap<>();

  public void add(Deployment deployment) {
    byId.put(deployment.id(), deployment);
  }

  public Optional<Deployment> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Removes and returns the deployment; empty if another caller already removed it. */
  public Optional<Deployment> remove(String id) {
    return Optional.ofNullable(byId.remove(id));
  }

  /**
   * The workload sandbox {@code sandboxId} runs: its one workload, or in a function host the
   * function named {@code name} in {@code namespace} (every function there is of one tenant).
   */
  public Optional<Deployment> runningIn(String sandboxId, String namespace, String name) {
    Deployment own = byId.get(sandboxId);
    if (own != null) {
      return Optional.of(own);
    }
    return byId.values().stream()
        .filter(d -> d.session().id().equals(sandboxId) && d.namespace().equals(namespace) && d.name().equals(name))
        .findFirst();
  }

  public int count() {
    return byId.size();
  }

  public long totalBytes() {
    return byId.values().stream().mapToLong(Deployment::totalBytes).sum();
  }

  public List<Deployment> inNamespace(String namespace) {
    return byId.values().stream().filter(d -> d.namespace().equals(namespace)).toList();
  }

  public Collection<Deployment> all() {
    return List.copyOf(byId.values());
  }
}
