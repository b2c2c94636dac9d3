package io.nex.node.config;

import io.nex.api.WorkloadType;
import io.nex.keys.NKeyPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's configuration (SPEC §3), already merged over the defaults in
 * {@code default-node-config.json} and validated by {@link NodeConfigLoader}. After loading,
 * {@code agentHandshakeTimeoutMs} is never null: unset, it is 60 s for VM sandboxes (a guest
 * boots first, and under software emulation that takes seconds) and 5 s otherwise.
 * {@code nodeIssuerSeed} (ours) is an operator seed ({@code SO...}) that vouches for this node
 * in its signed answers ({@code api.control.NodeSignature}); empty for none. It is a secret.
 */
public record NodeConfig(
    int machinePoolSize,
    MachineTemplate machineTemplate,
    String defaultResourceDir,
    String kernelFilepath,
    String rootfsFilepath,
    Cni cni,
    String internalNodeHost,
    int internalNodePort,
    List<String> binPath,
    Map<String, String> tags,
    List<String> validIssuers,
    List<String> workloadTypes,
    boolean noSandbox,
    String sandbox,
    Integer agentHandshakeTimeoutMs,
    int agentPingTimeoutMs,
    RateLimiters rateLimiters,
    HostServices hostServices,
    List<String> denyTriggerSubjects,
    NodeLimits nodeLimits,
    Autostart autostart,
    PublicNatsServer publicNatsServer,
    String pidFilepath,
    int httpPort,
    String agentPath,
    int functionTimeoutMs,
    int maxScriptBytes,
    String nodeIssuerSeed) {

  /** The operator key that vouches for this node, when {@code node_issuer_seed} is set. */
  public Optional<NKeyPair> nodeIssuer() {
    return nodeIssuerSeed == null || nodeIssuerSeed.isBlank() ? Optional.empty()
        : Optional.of(NKeyPair.fromSeed(nodeIssuerSeed.strip()));
  }

  /** Whether {@code workload_types} enables {@code type}, under any of its spellings ({@code v8}). */
  public boolean enables(WorkloadType type) {
    return workloadTypes.stream().map(WorkloadType::parse).anyMatch(t -> t.equals(Optional.of(type)));
  }

  public record MachineTemplate(int vcpuCount, int memsizeMib) {}

  public record Cni(String networkName, String interfaceName, String subnet, List<String> binPath) {}

  public record TokenBucket(long oneTimeBurst, long refillTime, long size) {}

  public record RateLimiters(TokenBucket bandwidth, TokenBucket iops) {}

  public record ServiceToggle(boolean enabled, Map<String, Object> config) {}

  public record Services(ServiceToggle kv, ServiceToggle objectstore, ServiceToggle messaging, ServiceToggle http) {}

  public record HostServices(String natsUrl, String natsUserJwt, String natsUserSeed, Services services) {}

  public record NodeLimits(long maxWorkloads, long maxTotalBytes, long maxWorkloadBytes) {}

  /** {@code essential} absent means false, as in Nex's own {@code autostart_config.json}. */
  public record AutostartWorkload(
      String name, String namespace, List<String> argv, String description, Boolean essential,
      String type, String location, String jsdomain, Map<String, String> environment,
      List<String> triggerSubjects) {}

  public record Autostart(List<AutostartWorkload> workloads) {}

  /**
   * Nex's "public" (userland) nats-server, which here is the node's own local control-plane
   * server: the node starts it on {@code addr:port} and uses it as its control plane.
   */
  public record PublicNatsServer(String serverName, String addr, Integer port, Boolean jetstream) {}

  public Path resourceDir() {
    return Path.of(defaultResourceDir);
  }
}
