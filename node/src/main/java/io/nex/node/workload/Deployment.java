package io.nex.node.workload;

import io.nex.node.sandbox.Sandbox;
import io.nex.node.session.AgentSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A workload running in a sandbox taken from the pool, with the session of that sandbox's agent;
 * its id is the sandbox's id, except for a function in a function host, which has one of its own. An essential
 * workload counts how many times it has been restarted in {@code retryCount}.
 */
public record Deployment(
    String id,
    String namespace,
    String name,
    String description,
    String type,
    String issuer,
    String hash,
    long totalBytes,
    List<String> triggerSubjects,
    Instant deployedAt,
    boolean essential,
    int retryCount,
    AgentSession session) {

  public Sandbox sandbox() {
    return session.sandbox();
  }

  /** Whether it is one of the functions of a function host (ours): then its id is not its sandbox's. */
  public boolean hosted() {
    return !id.equals(session.id());
  }

  /** Adds {@code essential} and {@code retry_count} to an event's data, for essential workloads only. */
  public void describeEssential(Map<String, Object> eventData) {
    if (essential) {
      eventData.put("essential", true);
      eventData.put("retry_count", retryCount);
    }
  }
}
