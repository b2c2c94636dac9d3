package io.nex.api.control;

import java.util.List;
import java.util.Map;

/** {@code $NEX.AUCTION}: only nodes matching every given field answer. */
public record AuctionRequest(
    String arch,
    String os,
    Boolean sandboxed,
    Map<String, String> tags,
    List<String> workloadTypes) {}
