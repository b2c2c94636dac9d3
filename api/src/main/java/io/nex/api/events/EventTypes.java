package io.nex.api.events;

/** Event type names, as Nex 0.2.7 emits them. */
public final class EventTypes {
  public static final String NODE_STARTED = "node_started";
  public static final String NODE_STOPPED = "node_stopped";
  public static final String NODE_ENTERED_LAMEDUCK = "node_entered_lameduck";
  public static final String HEARTBEAT = "heartbeat";
  public static final String AGENT_STARTED = "agent_started";
  public static final String WORKLOAD_DEPLOYED = "workload_deployed";
  public static final String WORKLOAD_UNDEPLOYED = "workload_undeployed";
  public static final String FUNCTION_EXEC_SUCCEEDED = "function_exec_succeeded";
  public static final String FUNCTION_EXEC_FAILED = "function_exec_failed";

  private EventTypes() {}
}
