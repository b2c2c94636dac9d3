package io.nex.node.essential;

import io.nex.api.control.DeployRequest;
import java.util.Map;

/**
 * What the fleet keeps of an essential workload in the control plane's {@code NEX_ESSENTIAL}
 * bucket, so that any node can start it again. The request is the original one (its JWT still
 * proves the issuer) without its environment; the environment is kept only sealed, from
 * {@code environmentSender} (the owner's xkey) to each node that could take the workload over.
 *
 * @param key stable across restarts and takeovers: the id of the first deployment
 * @param owner the node running it; empty once released (its node left), so that another takes it
 */
record EssentialSpec(
    String key,
    String name,
    String namespace,
    String owner,
    String workloadId,
    int retryCount,
    DeployRequest request,
    String environmentSender,
    Map<String, String> environmentByNode) {

  EssentialSpec withOwner(String node, String id, int retries) {
    return new EssentialSpec(key, name, namespace, node, id, retries, request, environmentSender, environmentByNode);
  }

  EssentialSpec withEnvironment(String sender, Map<String, String> byNode) {
    return new EssentialSpec(key, name, namespace, owner, workloadId, retryCount, request, sender, Map.copyOf(byNode));
  }

  boolean released() {
    return owner == null || owner.isEmpty();
  }
}
