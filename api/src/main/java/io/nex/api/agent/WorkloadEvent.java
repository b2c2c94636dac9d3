package io.nex.api.agent;

/**
 * Agent → node on {@code hostint.{id}.events.{type}}: a workload started or ended. {@code code}
 * is the exit code ({@code -1}: it never started), {@code message} says why it ended.
 */
public record WorkloadEvent(String workloadName, int code, String message) {}
