package io.nex.api.agent;

import java.util.List;
import java.util.Map;

/**
 * Node → agent on {@code agentint.{id}.deploy}: the control-plane request with its environment
 * opened, plus what the node learned fetching the artifact (its sha256 and size). Before sending
 * it, the node has put the artifact, checked against that sha256, in the file
 * {@link #ARTIFACT_FILE} of the agent's working directory, unless {@code fetch_artifact} (ours)
 * says the sandbox (a VM) does not share the node's files: then the agent fetches it in chunks
 * from {@code hostint.{id}.artifact} and checks the sha256 itself.
 *
 * <p>{@code trigger_socket} (ours): the agent of a function listens on {@link #TRIGGER_SOCKET_FILE}
 * in its working directory before it answers, and the node sends triggers there as
 * {@link TriggerCall} frames instead of over {@code agentint.{id}.trigger}. The node asks for it
 * only where the sandbox shares its files (not a VM): it skips the internal server, half of a
 * trigger's cost.
 */
public record AgentDeployRequest(
    List<String> argv,
    String description,
    Map<String, String> environment,
    boolean essential,
    String hash,
    String namespace,
    String retriedAt,
    int retryCount,
    long totalBytes,
    List<String> triggerSubjects,
    String workloadName,
    String workloadType,
    int memsizeMib,
    int functionTimeoutMs,
    int maxScriptBytes,
    boolean fetchArtifact,
    boolean triggerSocket) {

  /** The artifact's file name in the agent's working directory. */
  public static final String ARTIFACT_FILE = "workload";
  /** The trigger socket's file name in the agent's working directory. */
  public static final String TRIGGER_SOCKET_FILE = "triggers.sock";

  @Override
  public String toString() {
    // the environment holds the user's secrets: never let it into a log line
    return "AgentDeployRequest[workloadName=" + workloadName + ", workloadType=" + workloadType + ", namespace="
        + namespace + ", hash=" + hash + ", totalBytes=" + totalBytes + ", environment=<" + (environment == null
        ? 0 : environment.size()) + " values hidden>]";
  }
}
