package io.nex.node.workload;

import io.nex.api.control.DeployRequest;
import io.nex.keys.XKeyPair;
import java.time.Instant;
import java.util.Map;

/**
 * A deploy as the node runs it: the request, its namespace and its environment already opened
 * (the request's sealed copy is not used again). Deploys from the control plane, essential
 * restarts and takeovers all go through {@link Deployer#deploy(WorkloadSpec)} with one.
 */
public record WorkloadSpec(String namespace, DeployRequest request, Map<String, String> environment) {
  public WorkloadSpec {
    environment = Map.copyOf(environment);
  }

  /** Opens the request's environment, sealed from its {@code sender_public_key} to {@code nodeXkey}. */
  public static WorkloadSpec opened(String namespace, DeployRequest request, XKeyPair nodeXkey)
      throws RefusedException {
    return new WorkloadSpec(namespace, request,
        SealedEnvironment.open(request.environment(), request.senderPublicKey(), nodeXkey));
  }

  /** The same workload, deployed again as restart number {@code retryCount}. */
  public WorkloadSpec retried(int retryCount) {
    DeployRequest r = request;
    return new WorkloadSpec(namespace, new DeployRequest(r.argv(), r.description(), r.type(), r.location(),
        r.essential(), r.workloadJwt(), r.environment(), r.jsdomain(), r.senderPublicKey(), r.targetNode(),
        r.triggerSubjects(), retryCount, Instant.now().toString(), r.hostServices()), environment);
  }

  @Override
  public String toString() {
    // the environment holds the user's secrets: never let it into a log line
    return "WorkloadSpec[namespace=" + namespace + ", type=" + request.type() + ", location=" + request.location()
        + ", environment=<" + environment.size() + " values hidden>]";
  }
}
