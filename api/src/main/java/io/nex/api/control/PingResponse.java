package io.nex.api.control;

import java.util.Map;

/** Reply to {@code $NEX.PING}; {@link AuctionResponse} is the same shape plus the node's free capacity. */
public record PingResponse(
    String nodeId,
    String nexus,
    String version,
    String uptime,
    String targetXkey,
    Map<String, String> tags,
    int runningMachines) {}
