package io.nex.node.control;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.NexVersion;
import io.nex.api.Uptime;
import io.nex.api.control.AuctionRequest;
import io.nex.api.control.AuctionResponse;
import java.util.Map;

/**
 * {@code $NEX.AUCTION}: a node that can take the described workload bids with its free capacity;
 * one that cannot (wrong type, os, arch or tags, in lame duck, at its limits) stays silent, so the
 * asker only hears from candidates. The asker ranks bids with {@link AuctionResponse#BEST_FIRST}.
 */
final class AuctionHandler implements RequestHandler {
  private static final AuctionRequest ANY = new AuctionRequest(null, null, null, null, null, null);

  private final NodeView node;

  AuctionHandler(NodeView node) {
    this.node = node;
  }

  @Override
  public Object handle(Message request) {
    AuctionRequest auction;
    try {
      auction = request.getData() == null || request.getData().length == 0
          ? ANY
          : Json.read(request.getData(), AuctionRequest.class);
    } catch (Json.MalformedJsonException e) {
      return null;
    }
    if (!matches(auction)) {
      return null;
    }
    return new AuctionResponse(node.id(), node.nexus(), NexVersion.VERSION, Uptime.format(node.uptime()),
        node.publicXkey(), node.tags(), node.runningWorkloads(), node.capacity());
  }

  private boolean matches(AuctionRequest auction) {
    Map<String, String> tags = node.tags();
    if (node.lameDuck()) {
      return false;
    }
    if (auction.os() != null && !auction.os().equals(tags.get("nex.os"))) {
      return false;
    }
    if (auction.arch() != null && !auction.arch().equals(tags.get("nex.arch"))) {
      return false;
    }
    if (auction.sandboxed() != null && auction.sandboxed() == tags.containsKey("nex.unsafe")) {
      return false;
    }
    if (auction.tags() != null && !auction.tags().entrySet().stream()
        .allMatch(t -> t.getValue().equals(tags.get(t.getKey())))) {
      return false;
    }
    if (!node.hasRoomFor(auction.workloadBytes() == null ? 0 : auction.workloadBytes())) {
      return false;
    }
    return auction.workloadTypes() == null || auction.workloadTypes().stream().allMatch(node::runs);
  }
}
