package io.nex.api.control;

import java.util.Map;

/** Reply to {@code $NEX.PING} and, in the same shape, to {@code $NEX.AUCTION}. */
public record PingResponse(
    String nodeId,
    String nexus,
    String version,
    String uptime,
    String targetXkey,
    Map<String, String> tags,
    int runningMachines) {}
