package io.nex.api.control;

import java.util.List;
import java.util.Map;

/** Reply to {@code $NEX.WPING.{ns}[.{id or name}]}, from nodes that hold matching workloads. */
public record WorkloadPingResponse(
    String nodeId,
    String targetXkey,
    String version,
    Map<String, String> tags,
    String uptime,
    List<RunningWorkload> runningMachines) {

  public record RunningWorkload(String id, String namespace, String name, String type) {}
}
