package io.nex.cli.workload;

import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.AuctionRequest;
import io.nex.api.control.AuctionResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.trust.NodeReply;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Chooses a node for a deploy with no node given: every node that can take the workload (type,
 * tags, limits, not in lame duck) bids in {@code $NEX.AUCTION} with its free capacity; the best
 * bid by {@link AuctionResponse#BEST_FIRST} wins, ties broken at random (Nex picked any bidder at
 * random). Bids are gathered until none has come for {@link #QUIET}, not for the whole timeout,
 * and a node that cannot take the workload does not answer: with no bid in {@link #FIRST_BID}
 * nobody can take it.
 * Only bids that prove they come from the node they name take part ({@code cli.trust.NodeTrust}).
 */
final class NodePicker {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Bids still coming this long after the last one are too late to win. */
  static final Duration QUIET = Duration.ofMillis(150);
  /**
   * A node answers an auction from its control thread in milliseconds (p99 0.5 s with 200 deploys
   * under way); the deploy's own timeout, often tens of seconds, is not a bid's.
   */
  static final Duration FIRST_BID = Duration.ofSeconds(5);

  private NodePicker() {}

  static String pick(ControlPlaneClient client, String type, Map<String, String> tags, long workloadBytes) {
    List<NodeReply> answers = client.gatherFromNodes(Subjects.auction(),
        Json.write(AuctionRequest.forWorkload(type, tags, workloadBytes)), QUIET, FIRST_BID);
    // an impostor's bid never wins: the deploy would seal the user's secrets to its key
    List<AuctionResponse> bids = answers.stream()
        .filter(r -> r.trusted() && !r.envelope().failed())
        .map(r -> r.envelope().dataAs(AuctionResponse.class))
        .sorted(AuctionResponse.BEST_FIRST.thenComparing(AuctionResponse::nodeId))
        .toList();
    if (bids.isEmpty()) {
      String wanted = tags.isEmpty() ? "" : " with tags " + tags.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
      long untrusted = answers.stream().filter(r -> !r.trusted()).count();
      throw new CliException("no node can take this \"" + type + "\" workload" + wanted
          + (untrusted == 0 ? " (nobody answered $NEX.AUCTION)"
              : " (" + untrusted + " untrusted node(s) bid and were ignored; see nex node ls)"));
    }
    AuctionResponse best = bids.get(0);
    List<AuctionResponse> equallyGood = bids.stream()
        .filter(b -> AuctionResponse.BEST_FIRST.compare(b, best) == 0).toList();
    return equallyGood.get(RANDOM.nextInt(equallyGood.size())).nodeId();
  }
}
