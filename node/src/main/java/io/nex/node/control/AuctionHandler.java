package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.control.AuctionRequest;
import java.util.Map;

/**
 * {@code $NEX.AUCTION}: a node that can take the described workload answers ping-shaped; one that
 * cannot stays silent, so the asker only hears from candidates.
 */
final class AuctionHandler implements RequestHandler {
  private final NodeView node;
  private final PingHandler ping;

  AuctionHandler(NodeView node) {
    this.node = node;
    this.ping = new PingHandler(node);
  }

  @Override
  public Object handle(Message request) {
    AuctionRequest auction;
    try {
      auction = request.getData() == null || request.getData().length == 0
          ? new AuctionRequest(null, null, null, null, null)
          : Json.read(request.getData(), AuctionRequest.class);
    } catch (Json.MalformedJsonException e) {
      return null;
    }
    return matches(auction) ? ping.handle(request) : null;
  }

  private boolean matches(AuctionRequest auction) {
    Map<String, String> tags = node.tags();
    if (auction.os() != null && !auction.os().equals(tags.get("nex.os"))) {
      return false;
    }
    if (auction.arch() != null && !auction.arch().equals(tags.get("nex.arch"))) {
      return false;
    }
    if (auction.sandboxed() != null && auction.sandboxed() == tags.containsKey("nex.unsafe")) {
      return false;
    }
    if ("true".equals(tags.get("nex.lameduck"))) {
      return false;
    }
    if (auction.tags() != null && !auction.tags().entrySet().stream()
        .allMatch(t -> t.getValue().equals(tags.get(t.getKey())))) {
      return false;
    }
    return auction.workloadTypes() == null || auction.workloadTypes().stream()
        .allMatch(t -> node.supportedWorkloadTypes().stream().anyMatch(s -> sameType(s, t)));
  }

  private static boolean sameType(String a, String b) {
    return io.nex.api.WorkloadType.parse(a).isPresent()
        && io.nex.api.WorkloadType.parse(a).equals(io.nex.api.WorkloadType.parse(b));
  }
}
