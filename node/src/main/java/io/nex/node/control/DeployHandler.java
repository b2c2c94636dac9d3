package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.HostServicesConnection;
import io.nex.api.control.RunResponse;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.RefusedException;

/** {@code $NEX.DEPLOY.{ns}.{node}}. */
final class DeployHandler implements RequestHandler {
  private final Deployer deployer;
  private final NodeMetrics metrics;

  DeployHandler(Deployer deployer, NodeMetrics metrics) {
    this.deployer = deployer;
    this.metrics = metrics;
  }

  @Override
  public Object handle(Message request) throws RequestRefusedException {
    try {
      long started = System.nanoTime();
      DeployRequest deploy = Json.read(request.getData(), DeployRequest.class);
      refuseOwnHostServicesConnection(deploy.hostServices());
      RunResponse accepted = deployer.deploy(Subjects.namespaceOf(request.getSubject()), deploy);
      metrics.deployAccepted(deploy.type(), (System.nanoTime() - started) / 1e9);
      return accepted;
    } catch (Json.MalformedJsonException | RefusedException e) {
      metrics.deployRefused();
      throw new RequestRefusedException(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RequestRefusedException("node is stopping");
    }
  }

  /**
   * Nex let a deploy name its own host-services connection; here every workload's host services
   * go through the node's ({@code host_services} in its config), so asking for another is refused
   * rather than quietly not honoured.
   */
  private void refuseOwnHostServicesConnection(HostServicesConnection asked) throws RefusedException {
    if (asked != null && !(blank(asked.natsUrl()) && blank(asked.natsUserJwt()) && blank(asked.natsUserSeed()))) {
      throw new RefusedException("deploy field \"host_services\" (a host-services connection of the workload's own) "
          + "is not supported: host services use the node's host_services connection; leave the field out");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
