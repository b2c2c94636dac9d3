package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
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
}
