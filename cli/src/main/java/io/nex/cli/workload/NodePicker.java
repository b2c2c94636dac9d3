package io.nex.cli.workload;

import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.AuctionRequest;
import io.nex.api.control.PingResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses a node for a deploy with no node given: every node that can run the type answers
 * {@code $NEX.AUCTION}; the one running the fewest workloads wins, ties broken at random
 * (Nex picked any bidder at random).
 */
final class NodePicker {
  private static final SecureRandom RANDOM = new SecureRandom();

  private NodePicker() {}

  static String pick(ControlPlaneClient client, String type) {
    List<PingResponse> bids = client.gather(Subjects.auction(),
            Json.write(new AuctionRequest(null, null, null, null, List.of(type)))).stream()
        .filter(e -> !e.failed())
        .map(e -> e.dataAs(PingResponse.class))
        .toList();
    if (bids.isEmpty()) {
      throw new CliException("no node can run \"" + type + "\" workloads (nobody answered $NEX.AUCTION)");
    }
    int fewest = bids.stream().mapToInt(PingResponse::runningMachines).min().orElseThrow();
    List<PingResponse> best = bids.stream().filter(b -> b.runningMachines() == fewest)
        .sorted(Comparator.comparing(PingResponse::nodeId)).toList();
    return best.get(RANDOM.nextInt(best.size())).nodeId();
  }
}
