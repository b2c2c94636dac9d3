package io.nex.api;

/**
 * Every NATS subject of the contract, built in one place (SPEC §4 and §5).
 * Control-plane subjects live under {@code $NEX}; agent subjects on the internal server only.
 */
public final class Subjects {
  public static final String PREFIX = "$NEX";
  public static final String SYSTEM_NAMESPACE = "system";

  private Subjects() {}

  // ---- control plane ----
  public static String ping() { return PREFIX + ".PING"; }
  public static String ping(String nodeId) { return PREFIX + ".PING." + nodeId; }
  public static String auction() { return PREFIX + ".AUCTION"; }
  public static String workloadPing(String namespace) { return PREFIX + ".WPING." + namespace; }
  public static String workloadPing(String namespace, String idOrName) {
    return workloadPing(namespace) + "." + idOrName;
  }
  public static String info(String namespace, String nodeId) { return PREFIX + ".INFO." + namespace + "." + nodeId; }
  public static String deploy(String namespace, String nodeId) { return PREFIX + ".DEPLOY." + namespace + "." + nodeId; }
  public static String stop(String namespace, String nodeId) { return PREFIX + ".STOP." + namespace + "." + nodeId; }
  public static String lameDuck(String nodeId) { return PREFIX + ".LAMEDUCK." + nodeId; }
  public static String event(String namespace, String type) { return PREFIX + ".events." + namespace + "." + type; }
  /** Log subject, always in the order ns, node, workload name, workload id (a fix over Nex 0.2.7). */
  public static String logs(String namespace, String nodeId, String workloadName, String workloadId) {
    return PREFIX + ".logs." + namespace + "." + nodeId + "." + workloadName + "." + workloadId;
  }

  /** The namespace token of a {@code $NEX.VERB.{ns}.{node}} subject. */
  public static String namespaceOf(String subject) {
    String[] tokens = subject.split("\\.");
    return tokens.length >= 4 ? tokens[2] : "default";
  }

  // ---- internal server: agent -> node ----
  public static String handshake(String sandboxId) { return "hostint." + sandboxId + ".handshake"; }
  public static String agentLogs(String sandboxId) { return "hostint." + sandboxId + ".logs"; }
  /**
   * Request: body = byte offset (decimal); reply: the next chunk of the sandbox's artifact. Only
   * for sandboxes that do not share the node's file system (VMs).
   */
  public static String artifact(String sandboxId) { return "hostint." + sandboxId + ".artifact"; }
  public static String agentEvents(String sandboxId, String type) { return "hostint." + sandboxId + ".events." + type; }
  public static String hostServiceRpc(String sandboxId, String namespace, String workload, String service, String method) {
    return "hostint." + sandboxId + ".rpc." + namespace + "." + workload + "." + service + "." + method;
  }

  // ---- internal server: node -> agent ----
  public static String agentDeploy(String sandboxId) { return "agentint." + sandboxId + ".deploy"; }
  public static String agentUndeploy(String sandboxId) { return "agentint." + sandboxId + ".undeploy"; }
  public static String agentPing(String sandboxId) { return "agentint." + sandboxId + ".ping"; }
  public static String agentTrigger(String sandboxId) { return "agentint." + sandboxId + ".trigger"; }
  /** Ours: a function host takes one more function ({@code AddFunctionRequest}, reply {@code DeployAck}). */
  public static String agentAddFunction(String sandboxId) { return "agentint." + sandboxId + ".functions.add"; }
  /** Ours: a function host lets one function go ({@code RemoveFunctionRequest}, reply {@code DeployAck}). */
  public static String agentRemoveFunction(String sandboxId) { return "agentint." + sandboxId + ".functions.remove"; }

  /** The sandbox id (second token) of a {@code hostint.{id}.…} subject. */
  public static String sandboxIdOf(String hostintSubject) {
    String[] tokens = hostintSubject.split("\\.");
    return tokens.length >= 2 ? tokens[1] : "";
  }
}
