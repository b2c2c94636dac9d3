package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.NexVersion;
import io.nex.api.Subjects;
import io.nex.api.Uptime;
import io.nex.api.control.InfoResponse;
import io.nex.node.telemetry.HostMemory;

/** {@code $NEX.INFO.{ns}.{node}}: machines are those of the request's namespace only. */
final class InfoHandler implements RequestHandler {
  private final NodeView node;

  InfoHandler(NodeView node) {
    this.node = node;
  }

  @Override
  public Object handle(Message request) {
    String namespace = Subjects.namespaceOf(request.getSubject());
    return new InfoResponse(node.id(), NexVersion.VERSION, Uptime.format(node.uptime()), node.publicXkey(),
        node.tags(), HostMemory.read(), node.supportedWorkloadTypes(), node.machines(namespace),
        node.sandboxKind(), node.pool(), node.capacity());
  }
}
