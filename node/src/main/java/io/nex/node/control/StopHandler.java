package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.StopRequest;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.RefusedException;

/** {@code $NEX.STOP.{ns}.{node}}. */
final class StopHandler implements RequestHandler {
  private final Deployer deployer;

  StopHandler(Deployer deployer) {
    this.deployer = deployer;
  }

  @Override
  public Object handle(Message request) throws RequestRefusedException {
    try {
      StopRequest stop = Json.read(request.getData(), StopRequest.class);
      return deployer.stop(Subjects.namespaceOf(request.getSubject()), stop);
    } catch (Json.MalformedJsonException | RefusedException e) {
      throw new RequestRefusedException(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RequestRefusedException("node is stopping");
    }
  }
}
