package io.nex.cli.workload;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.StopRequest;
import io.nex.api.control.StopResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.keys.KeyException;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;

/**
 * Builds and sends a stop: a fresh JWT signed by the user's issuer, which the node checks against
 * the one that deployed. Used by {@code nex stop} and the web view's stop button.
 */
public final class StopSender {
  private StopSender() {}

  /** The node's answer; a refusal is a {@link CliException} carrying the node's reason. */
  public static StopResponse stop(ControlPlaneClient client, String namespace, String nodeId, String workloadId,
      String name, NKeyPair issuer) {
    String jwt;
    try {
      jwt = WorkloadJwt.issue(issuer, name, null);
    } catch (KeyException e) {
      throw new CliException("cannot sign the stop request: " + e.getMessage());
    }
    Envelope reply = client.request(Subjects.stop(namespace, nodeId),
        Json.write(new StopRequest(workloadId, jwt, nodeId)), DeploySender.DEPLOY_TIMEOUT);
    if (reply.failed()) {
      throw new CliException("⛔ Workload failed to stop: " + reply.error());
    }
    return reply.dataAs(StopResponse.class);
  }
}
