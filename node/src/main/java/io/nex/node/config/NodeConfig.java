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
 *
 * <p>Nex's OpenTelemetry keys: {@code otel_traces} with {@code otel_traces_exporter} {@code file}
 * (OTLP JSON lines in {@code {resource dir}/traces.jsonl}) or {@code http} (OTLP/HTTP protobuf to
 * {@code otlp_exporter_url}, default {@code http://127.0.0.1:4318/v1/traces}); {@code grpc} is
 * refused. {@code otel_metrics} with {@code otel_metrics_exporter} {@code prometheus} (the
 * {@code /metrics} endpoint on {@code otel_metrics_port}) or {@code file} (JSON lines in
 * {@code {resource dir}/metrics.jsonl}).
 *
 * <p>Ours: {@code functions_per_host} is how many functions of one tenant share a function host
 * at most (a sandbox whose agent runs many functions; fewer when the host's memory fills first,
 * {@code workload.FunctionHosts}); {@code function_host_memory_mib} is the heap of
 * every agent that may become one (see docs/isolation.md, "Function hosts"); after loading it is
 * never null: unset, it is 192, or the template's memory if that is less (but at least 64).
 *
 * <p>{@code nodeIssuerSeed} (ours) is an operator seed ({@code SO...}) that vouches for this node
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
    boolean otelMetrics,
    int otelMetricsPort,
    String otelMetricsExporter,
    boolean otelTraces,
    String otelTracesExporter,
    String otlpExporterUrl,
    int functionsPerHost,
    Integer functionHostMemoryMib,
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

  /**
   * @param diskMib the size of a sandbox's writable disk (its work directory) where the sandbox
   *     kind gives it one of its own; 0: none, the work directory is on the node's file system
   */
  public record MachineTemplate(int vcpuCount, int memsizeMib, int diskMib) {}

  public record Cni(String networkName, String interfaceName, String subnet, List<String> binPath) {}

  /** Firecracker's rate limiter: {@code size} tokens per {@code refillTime} ms, plus a one-time extra. */
  public record TokenBucket(long oneTimeBurst, long refillTime, long size) {
    /** Tokens per second at the sustained rate, at least 1. */
    public long perSecond() {
      return Math.max(1, size * 1000 / refillTime);
    }
  }

  /** @param bandwidth bytes, @param iops operations; either may be null (no limit) */
  public record RateLimiters(TokenBucket bandwidth, TokenBucket iops) {
    public static final RateLimiters NONE = new RateLimiters(null, null);

    public boolean any() {
      return bandwidth != null || iops != null;
    }
  }

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
