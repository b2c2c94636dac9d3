package io.nex.cli.workload;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.RunResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.keys.KeyException;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Builds and sends a deploy: the environment sealed to the target node's xkey (read from its
 * INFO), a JWT signed by the user's issuer naming the artifact's sha256.
 */
final class DeploySender {
  /** A deploy fetches and stages the artifact and starts it: more than a lookup's worth of time. */
  static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);

  private DeploySender() {}

  static InfoResponse info(ControlPlaneClient client, String namespace, String nodeId) {
    Envelope reply = client.requestFromNode(Subjects.info(namespace, nodeId), new byte[0], nodeId);
    if (reply.failed()) {
      throw new CliException("node " + nodeId + " refused INFO: " + reply.error());
    }
    return reply.dataAs(InfoResponse.class);
  }

  static RunResponse deploy(ControlPlaneClient client, String namespace, String nodeId, String location,
      String sha256, String name, String type, Map<String, String> env, WorkloadOptions options,
      NKeyPair issuer, XKeyPair publisher) {
    InfoResponse info = info(client, namespace, nodeId);
    String sealed = null;
    if (!env.isEmpty()) {
      try {
        sealed = Base64.getEncoder().encodeToString(publisher.seal(Json.write(env), info.publicXkey()));
      } catch (KeyException e) {
        throw new CliException("cannot seal the environment to node " + nodeId + ": " + e.getMessage());
      }
    }
    String jwt;
    try {
      jwt = WorkloadJwt.issue(issuer, name, sha256);
    } catch (KeyException e) {
      throw new CliException("cannot sign the workload: " + e.getMessage());
    }
    DeployRequest request = new DeployRequest(options.argvList(), options.description, type, location,
        options.essential, jwt, sealed, null, publisher.publicKey(), nodeId, options.triggerSubjects, 0, null, null);
    Envelope reply = client.request(Subjects.deploy(namespace, nodeId), Json.write(request), DEPLOY_TIMEOUT);
    if (reply.failed()) {
      throw new CliException("⛔ Workload rejected by node " + nodeId + ": " + reply.error());
    }
    return reply.dataAs(RunResponse.class);
  }
}
