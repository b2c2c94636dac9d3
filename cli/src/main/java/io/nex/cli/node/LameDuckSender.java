package io.nex.cli.node;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.LameDuckRequest;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import java.time.Duration;

/** Asks a node to drain; used by {@code nex lameduck} and the web view's lame-duck button. */
public final class LameDuckSender {
  private LameDuckSender() {}

  /** {@code deadline} null: the node's own; a refusal is a {@link CliException} with the node's reason. */
  public static void send(ControlPlaneClient client, String nodeId, Duration deadline) {
    byte[] body = deadline == null ? new byte[0] : Json.write(new LameDuckRequest(deadline.toMillis()));
    Envelope reply = client.request(Subjects.lameDuck(nodeId), body);
    if (reply.failed()) {
      throw new CliException("node " + nodeId + " refused lame duck: " + reply.error());
    }
  }
}
