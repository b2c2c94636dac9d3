package io.nex.cli.ui;

import java.util.List;
import java.util.Map;

/**
 * The fleet as the page draws it (SSE {@code fleet}): what {@code $NEX.PING} and {@code $NEX.INFO}
 * told, nothing more. Node tags and workload summaries hold no secrets; environments never
 * leave the node, and the user's keys never leave this process.
 */
record FleetView(String namespace, List<NodeRow> nodes) {

  record NodeRow(
      String id,
      String name,
      String version,
      String uptime,
      Map<String, String> tags,
      String sandbox,
      int poolReady,
      int poolStarting,
      int workloadCount,
      long memoryTotalKb,
      long memoryAvailableKb,
      boolean lameDuck,
      List<WorkloadRow> workloads) {}

  record WorkloadRow(
      String id,
      String name,
      String type,
      String namespace,
      String runtime,
      String uptime,
      boolean essential,
      boolean healthy,
      String description) {}
}
