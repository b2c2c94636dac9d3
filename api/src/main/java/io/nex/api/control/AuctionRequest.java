package io.nex.api.control;

import java.util.List;
import java.util.Map;

/**
 * {@code $NEX.AUCTION}: only nodes matching every given field answer. {@code workload_bytes}
 * (ours) is the artifact's size, so that a node whose limits cannot hold it stays silent.
 */
public record AuctionRequest(
    String arch,
    String os,
    Boolean sandboxed,
    Map<String, String> tags,
    List<String> workloadTypes,
    Long workloadBytes) {

  public static AuctionRequest forWorkload(String type, Map<String, String> tags, long workloadBytes) {
    return new AuctionRequest(null, null, null, tags == null || tags.isEmpty() ? null : tags, List.of(type),
        workloadBytes);
  }
}
