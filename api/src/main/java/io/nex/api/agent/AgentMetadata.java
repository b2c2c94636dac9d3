package io.nex.api.agent;

/**
 * What the host tells an agent before it can connect: its sandbox id, where the internal server
 * listens, and the seed of its own nkey user there. In a process sandbox it travels as
 * {@code NEX_*} environment variables (see {@link #ENV_WORKLOAD_ID} and friends).
 */
public record AgentMetadata(
    String vmid, String nodeNatsHost, int nodeNatsPort, String nodeNatsNkey, String message) {

  public static final String HOST_SUPPLIED = "Host-supplied metadata";
  public static final String ENV_WORKLOAD_ID = "NEX_WORKLOADID";
  public static final String ENV_NATS_HOST = "NEX_NODE_NATS_HOST";
  public static final String ENV_NATS_PORT = "NEX_NODE_NATS_PORT";
  public static final String ENV_NKEY_SEED = "NEX_NODE_NATS_NKEY_SEED";
  public static final String ENV_SANDBOX = "NEX_SANDBOX";
  /**
   * Ours, not Nex's: the uid the agent starts its workload under, where the sandbox gives the
   * workload one apart from the agent's (the namespace sandbox). Absent elsewhere.
   */
  public static final String ENV_WORKLOAD_UID = "NEX_WORKLOAD_UID";
  /** With {@link #ENV_WORKLOAD_UID}: the workload's own directory in the agent's, its working directory. */
  public static final String WORKLOAD_HOME = "home";
}
