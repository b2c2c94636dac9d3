package io.nex.api.agent;

/** Agent → node on {@code hostint.{id}.logs}: one line the workload or the agent printed. */
public record AgentLogLine(String source, int level, String text) {}
