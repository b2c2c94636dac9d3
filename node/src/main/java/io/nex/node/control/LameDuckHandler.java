package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.control.LameDuckRequest;
import io.nex.api.control.LameDuckResponse;
import io.nex.node.lameduck.LameDuck;
import java.time.Duration;

/** {@code $NEX.LAMEDUCK.{node}}: drains the node; asking again is answered with success too. */
final class LameDuckHandler implements RequestHandler {
  private final String nodeId;
  private final LameDuck lameDuck;

  LameDuckHandler(String nodeId, LameDuck lameDuck) {
    this.nodeId = nodeId;
    this.lameDuck = lameDuck;
  }

  @Override
  public Object handle(Message request) throws RequestRefusedException {
    Duration deadline = LameDuck.DEFAULT_DEADLINE;
    if (request.getData() != null && request.getData().length > 0) {
      try {
        Long ms = Json.read(request.getData(), LameDuckRequest.class).deadlineMs();
        if (ms != null) {
          if (ms < 0) {
            throw new RequestRefusedException("deadline_ms must not be negative");
          }
          deadline = Duration.ofMillis(ms);
        }
      } catch (Json.MalformedJsonException e) {
        throw new RequestRefusedException(e.getMessage());
      }
    }
    lameDuck.enter(deadline);
    return new LameDuckResponse(nodeId, true);
  }
}
