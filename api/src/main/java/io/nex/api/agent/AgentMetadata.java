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
}
