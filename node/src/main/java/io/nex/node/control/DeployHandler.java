package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.RefusedException;

/** {@code $NEX.DEPLOY.{ns}.{node}}. */
final class DeployHandler implements RequestHandler {
  private final Deployer deployer;

  DeployHandler(Deployer deployer) {
    this.deployer = deployer;
  }

  @Override
  public Object handle(Message request) throws RequestRefusedException {
    try {
      DeployRequest deploy = Json.read(request.getData(), DeployRequest.class);
      return deployer.deploy(Subjects.namespaceOf(request.getSubject()), deploy);
    } catch (Json.MalformedJsonException | RefusedException e) {
      throw new RequestRefusedException(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RequestRefusedException("node is stopping");
    }
  }
}
