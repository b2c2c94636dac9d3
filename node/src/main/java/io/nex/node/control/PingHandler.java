package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.NexVersion;
import io.nex.api.Uptime;
import io.nex.api.control.PingResponse;

/** {@code $NEX.PING} and {@code $NEX.PING.{node}}. */
final class PingHandler implements RequestHandler {
  private final NodeView node;

  PingHandler(NodeView node) {
    this.node = node;
  }

  @Override
  public Object handle(Message request) {
    return new PingResponse(node.id(), node.nexus(), NexVersion.VERSION, Uptime.format(node.uptime()),
        node.publicXkey(), node.tags(), node.runningWorkloads());
  }
}
