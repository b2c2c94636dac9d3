package io.nex.api.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.Json;
import io.nex.api.control.AuctionResponse.Capacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuctionResponseTest {
  private static AuctionResponse bid(String id, int running, Capacity capacity) {
    return new AuctionResponse(id, "nexus", "0.1.0", "1m", "X", Map.of(), running, capacity);
  }

  @Test
  void aWarmSandboxBeatsFewerWorkloadsAndFewerWorkloadsBeatMore() {
    AuctionResponse cold = bid("cold", 0, new Capacity(0, -1, 1L << 30, 0, 0));
    AuctionResponse busy = bid("busy", 5, new Capacity(2, -1, 1L << 30, 0, 0));
    AuctionResponse idle = bid("idle", 1, new Capacity(1, -1, 1L << 30, 0, 0));
    AuctionResponse old = bid("old", 0, null);
    List<AuctionResponse> bids = new ArrayList<>(List.of(old, cold, busy, idle));
    bids.sort(AuctionResponse.BEST_FIRST);
    assertThat(bids).extracting(AuctionResponse::nodeId).containsExactly("idle", "busy", "cold", "old");
  }

  @Test
  void bidsWithTheSameReadinessAndLoadAreEquallyGood() {
    AuctionResponse a = bid("a", 2, new Capacity(1, 10, 1L << 30, 0, 0));
    AuctionResponse b = bid("b", 2, new Capacity(3, -1, 2L << 30, 0, 0));
    assertThat(AuctionResponse.BEST_FIRST.compare(a, b)).isZero();
  }

  @Test
  void capacityTravelsInSnakeCase() throws Exception {
    String json = Json.writeString(bid("n", 1, new Capacity(2, -1, 1024, 0, 0)));
    assertThat(json).contains("\"capacity\":{\"warm_sandboxes\":2,\"free_workload_slots\":-1,"
        + "\"memory_available_bytes\":1024,\"function_hosts\":0,\"free_function_slots\":0}");
    assertThat(Json.read(json.getBytes(), AuctionResponse.class).capacity().warmSandboxes()).isEqualTo(2);
  }
}
