package io.nex.node.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.nex.api.Json;
import io.nex.api.WorkloadType;
import io.nex.keys.KeyException;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.NKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a node config file over the defaults and validates it. Strict on purpose: an unknown
 * field is most often a typo that would otherwise silently fall back to a default.
 */
public final class NodeConfigLoader {
  public static final Set<String> SANDBOXES = Set.of("auto", "process", "namespace", "qemu", "firecracker");
  private static final Set<String> VM_SANDBOXES = Set.of("qemu", "firecracker");
  private static final int HANDSHAKE_TIMEOUT_MS = 5000;
  private static final int VM_HANDSHAKE_TIMEOUT_MS = 60000;
  private static final String DEFAULTS_RESOURCE = "/default-node-config.json";
  static final Set<String> TRACES_EXPORTERS = Set.of("file", "http", "grpc");
  static final Set<String> METRICS_EXPORTERS = Set.of("file", "prometheus");
  /** What to do about the fields Nex's configs carry that this node does not read. */
  private static final int DEFAULT_HOST_MEMORY_MIB = 192;
  private static final Map<String, String> UNKNOWN_FIELD_FIXES = Map.ofEntries(
      Map.entry("host_services_config", "the field is \"host_services\"; rename it"),
      Map.entry("kernel_file", "the field is \"kernel_filepath\" (Nex 0.2 spelling); rename it"),
      Map.entry("kernel_path", "the field is \"kernel_filepath\" (Nex 0.2 spelling); rename it"),
      Map.entry("rootfs_file", "the field is \"rootfs_filepath\" (Nex 0.2 spelling); rename it"),
      Map.entry("rootfs_path", "the field is \"rootfs_filepath\" (Nex 0.2 spelling); rename it"),
      Map.entry("preserve_network", "this node never wipes CNI state at start, so there is nothing to preserve; remove it"),
      Map.entry("cni.nameservers", "only Nex's preflight used it to write a CNI config; remove it"));

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private NodeConfigLoader() {}

  /** The defaults alone: what a node runs with when given no file. */
  public static NodeConfig defaults() {
    try {
      return fromTree(defaultsTree());
    } catch (ConfigException e) {
      throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
    }
  }

  /** The defaults as JSON text, e.g. for {@code preflight --init}. */
  public static String defaultsJson() {
    try {
      return STRICT.writerWithDefaultPrettyPrinter().writeValueAsString(defaultsTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static NodeConfig load(Path file) throws ConfigException {
    return load(file, Map.of());
  }

  /**
   * The file (null: none), with {@code overrides} (config field → value, e.g. from {@code node up}'s
   * flags, which win over the file as in Nex) set on top before it is validated.
   */
  public static NodeConfig load(Path file, Map<String, Object> overrides) throws ConfigException {
    ObjectNode user = file == null ? STRICT.createObjectNode() : userTree(read(file));
    overrides.forEach((field, value) -> user.set(field, STRICT.valueToTree(value)));
    ObjectNode merged = defaultsTree();
    merge(merged, user);
    return fromTree(merged);
  }

  private static byte[] read(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return bytes;
  }

  public static NodeConfig parse(byte[] json) throws ConfigException {
    ObjectNode merged = defaultsTree();
    merge(merged, userTree(json));
    return fromTree(merged);
  }

  private static ObjectNode userTree(byte[] json) throws ConfigException {
    JsonNode user;
    try {
      user = STRICT.readTree(json);
    } catch (IOException e) {
      throw new ConfigException("config is not valid JSON: " + Json.firstLine(e.getMessage()));
    }
    if (user == null || user.isMissingNode()) {
      return STRICT.createObjectNode();
    }
    if (!user.isObject()) {
      throw new ConfigException("config must be a JSON object");
    }
    return (ObjectNode) user;
  }

  private static NodeConfig fromTree(ObjectNode tree) throws ConfigException {
    NodeConfig config;
    try {
      config = STRICT.treeToValue(tree, NodeConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      throw new ConfigException("unknown config field \"" + field + "\": "
          + UNKNOWN_FIELD_FIXES.getOrDefault(field, "remove it, or check its spelling"));
    } catch (MismatchedInputException e) {
      String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
      throw new ConfigException("bad value for config field \"" + path(e) + "\": expected " + expected);
    } catch (JsonProcessingException e) {
      throw new ConfigException("bad config: " + Json.firstLine(e.getOriginalMessage()));
    }
    validate(config);
    return withDerivedPaths(config);
  }

  private static void validate(NodeConfig c) throws ConfigException {
    atLeast("machine_pool_size", c.machinePoolSize(), 1);
    if (c.machineTemplate() == null) {
      throw new ConfigException("config field \"machine_template\" must be an object");
    }
    atLeast("machine_template.vcpu_count", c.machineTemplate().vcpuCount(), 1);
    atLeast("machine_template.memsize_mib", c.machineTemplate().memsizeMib(), 32);
    if (c.machineTemplate().diskMib() != 0) {
      // ext4 needs a few MiB of its own; 0 means no disk of the sandbox's own
      atLeast("machine_template.disk_mib", c.machineTemplate().diskMib(), 16);
    }
    if (c.agentHandshakeTimeoutMs() != null) {
      atLeast("agent_handshake_timeout_ms", c.agentHandshakeTimeoutMs(), 1);
    }
    atLeast("agent_ping_timeout_ms", c.agentPingTimeoutMs(), 1);
    atLeast("function_timeout_ms", c.functionTimeoutMs(), 1);
    atLeast("max_script_bytes", c.maxScriptBytes(), 1);
    atLeast("functions_per_host", c.functionsPerHost(), 1);
    if (c.functionHostMemoryMib() != null) {
      // below that an agent has no room beside its own classes
      atLeast("function_host_memory_mib", c.functionHostMemoryMib(), 64);
      if (c.functionHostMemoryMib() > c.machineTemplate().memsizeMib()) {
        throw new ConfigException("bad value for config field \"function_host_memory_mib\": must be at most "
            + "machine_template.memsize_mib (" + c.machineTemplate().memsizeMib() + "), the sandbox's memory limit (got "
            + c.functionHostMemoryMib() + ")");
      }
    }
    inRange("internal_node_port", c.internalNodePort(), 0, 65535);
    inRange("http_port", c.httpPort(), 0, 65535);
    if (c.defaultResourceDir() == null || c.defaultResourceDir().isBlank()) {
      throw new ConfigException("config field \"default_resource_dir\" must not be empty");
    }
    if (c.sandbox() != null && !SANDBOXES.contains(c.sandbox())) {
      throw new ConfigException("bad value for config field \"sandbox\": \"" + c.sandbox()
          + "\" (expected one of " + String.join(", ", SANDBOXES.stream().sorted().toList()) + ")");
    }
    if (c.noSandbox() && c.sandbox() != null && !c.sandbox().equals("process") && !c.sandbox().equals("auto")) {
      throw new ConfigException("config fields \"no_sandbox\" and \"sandbox\": \"" + c.sandbox()
          + "\" contradict each other");
    }
    for (int i = 0; i < c.workloadTypes().size(); i++) {
      String type = c.workloadTypes().get(i);
      if (WorkloadType.parse(type).isEmpty()) {
        throw new ConfigException("bad value for config field \"workload_types[" + i + "]\": unknown workload type \""
            + type + "\"");
      }
    }
    if (c.rateLimiters() != null) {
      validateBucket("rate_limiters.bandwidth", c.rateLimiters().bandwidth());
      validateBucket("rate_limiters.iops", c.rateLimiters().iops());
      if (c.rateLimiters().any() && c.machineTemplate().diskMib() == 0) {
        throw new ConfigException("config field \"rate_limiters\" needs \"machine_template.disk_mib\" above 0: "
            + "the sandbox's own disk is what its I/O is limited on");
      }
    }
    validatePublicServer(c.publicNatsServer());
    validateAutostart(c);
    validateTelemetry(c);
    validateNodeIssuer(c.nodeIssuerSeed());
    for (int i = 0; i < c.validIssuers().size(); i++) {
      try {
        NKeys.requirePublicKey(c.validIssuers().get(i), KeyType.ACCOUNT);
      } catch (KeyException e) {
        throw new ConfigException("bad value for config field \"valid_issuers[" + i + "]\": " + e.getMessage());
      }
    }
  }

  private static void validateTelemetry(NodeConfig c) throws ConfigException {
    oneOf("otel_traces_exporter", c.otelTracesExporter(), TRACES_EXPORTERS);
    oneOf("otel_metrics_exporter", c.otelMetricsExporter(), METRICS_EXPORTERS);
    inRange("otel_metrics_port", c.otelMetricsPort(), 1, 65535);
    if (c.otelTraces() && c.otelTracesExporter().equals("grpc")) {
      // OTLP/gRPC needs gRPC-Java and Netty, or OkHttp and Kotlin: tens of megabytes for what OTLP/HTTP already does
      throw new ConfigException("config field \"otel_traces_exporter\": \"grpc\" is not supported by this node "
          + "(OTLP/gRPC would bring a gRPC stack); use \"http\" (OTLP/HTTP, port 4318 of a collector) or \"file\"");
    }
    if (c.otlpExporterUrl() != null) {
      try {
        java.net.URI url = new java.net.URI(c.otlpExporterUrl());
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
          throw new java.net.URISyntaxException(c.otlpExporterUrl(), "not an http(s) URL with a host");
        }
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException("bad value for config field \"otlp_exporter_url\": expected an http(s) URL such as "
            + "http://127.0.0.1:4318/v1/traces");
      }
      if (!c.otelTraces() || !c.otelTracesExporter().equals("http")) {
        throw new ConfigException("config field \"otlp_exporter_url\" is only used with \"otel_traces\": true and "
            + "\"otel_traces_exporter\": \"http\"; set those or remove it");
      }
    }
    boolean prometheus = c.otelMetrics() && c.otelMetricsExporter().equals("prometheus");
    if (prometheus && c.httpPort() != 0 && c.httpPort() != c.otelMetricsPort()) {
      throw new ConfigException("config fields \"http_port\" (" + c.httpPort() + ") and \"otel_metrics_port\" ("
          + c.otelMetricsPort() + ") both ask for /metrics: the node serves it on one port; set one of them");
    }
  }

  private static void oneOf(String field, String value, Set<String> allowed) throws ConfigException {
    if (value == null || !allowed.contains(value)) {
      throw new ConfigException("bad value for config field \"" + field + "\": \"" + value + "\" (expected one of "
          + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }
  }

  private static void validateBucket(String field, NodeConfig.TokenBucket bucket) throws ConfigException {
    if (bucket == null) {
      return;
    }
    atLeast(field + ".size", bucket.size(), 1);
    atLeast(field + ".refill_time", bucket.refillTime(), 1);
    atLeast(field + ".one_time_burst", bucket.oneTimeBurst(), 0);
  }

  /** The seed itself is never quoted: it is a secret. */
  private static void validateNodeIssuer(String seed) throws ConfigException {
    if (seed == null || seed.isBlank()) {
      return;
    }
    NKeyPair issuer;
    try {
      issuer = NKeyPair.fromSeed(seed.strip());
    } catch (KeyException e) {
      throw new ConfigException("bad value for config field \"node_issuer_seed\": not an nkey seed");
    }
    if (issuer.type() != KeyType.OPERATOR) {
      throw new ConfigException("bad value for config field \"node_issuer_seed\": expected an operator seed (SO...)");
    }
  }

  private static void validatePublicServer(NodeConfig.PublicNatsServer server) throws ConfigException {
    if (server == null) {
      return;
    }
    if (server.port() != null) {
      inRange("public_nats_server.port", server.port(), 1, 65535);
    }
    if (server.addr() != null && server.addr().isBlank()) {
      throw new ConfigException("config field \"public_nats_server.addr\" must not be empty (leave it out for 127.0.0.1)");
    }
  }

  private static void validateAutostart(NodeConfig c) throws ConfigException {
    if (c.autostart() == null || c.autostart().workloads() == null) {
      throw new ConfigException("config field \"autostart\" must be an object with a \"workloads\" list");
    }
    for (int i = 0; i < c.autostart().workloads().size(); i++) {
      NodeConfig.AutostartWorkload w = c.autostart().workloads().get(i);
      String at = "autostart.workloads[" + i + "]";
      if (blank(w.name())) {
        throw new ConfigException("config field \"" + at + ".name\" is missing: give the workload a name");
      }
      if (blank(w.location())) {
        throw new ConfigException("config field \"" + at + ".location\" is missing: name the artifact, as "
            + "nats://BUCKET/key");
      }
      if (blank(w.type()) || WorkloadType.parse(w.type()).isEmpty()) {
        throw new ConfigException("bad value for config field \"" + at + ".type\": \"" + w.type()
            + "\" (expected native, jar, wasm, javascript or v8)");
      }
    }
  }

  private static NodeConfig withDerivedPaths(NodeConfig c) {
    String kernel = blank(c.kernelFilepath()) ? Path.of(c.defaultResourceDir(), "vmlinux").toString() : c.kernelFilepath();
    String rootfs = blank(c.rootfsFilepath()) ? Path.of(c.defaultResourceDir(), "rootfs.ext4").toString() : c.rootfsFilepath();
    Integer handshake = c.agentHandshakeTimeoutMs() != null ? c.agentHandshakeTimeoutMs()
        : c.sandbox() != null && VM_SANDBOXES.contains(c.sandbox()) ? VM_HANDSHAKE_TIMEOUT_MS : HANDSHAKE_TIMEOUT_MS;
    String pid = blank(c.pidFilepath()) ? Path.of(c.defaultResourceDir(), "nex.pid").toString() : c.pidFilepath();
    return new NodeConfig(c.machinePoolSize(), c.machineTemplate(), c.defaultResourceDir(), kernel, rootfs, c.cni(),
        c.internalNodeHost(), c.internalNodePort(), c.binPath(), c.tags(), c.validIssuers(), c.workloadTypes(),
        c.noSandbox(), c.sandbox(), handshake, c.agentPingTimeoutMs(), c.rateLimiters(),
        c.hostServices(), c.denyTriggerSubjects(), c.nodeLimits(), c.autostart(), c.publicNatsServer(), pid, c.httpPort(), c.agentPath(),
        c.functionTimeoutMs(), c.maxScriptBytes(), c.otelMetrics(), c.otelMetricsPort(), c.otelMetricsExporter(),
        c.otelTraces(), c.otelTracesExporter(), c.otlpExporterUrl(), c.functionsPerHost(), c.functionHostMemoryMib() != null
        ? c.functionHostMemoryMib() : Math.max(64, Math.min(DEFAULT_HOST_MEMORY_MIB, c.machineTemplate().memsizeMib())),
        c.nodeIssuerSeed());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static void atLeast(String field, long value, long min) throws ConfigException {
    if (value < min) {
      throw new ConfigException("bad value for config field \"" + field + "\": must be at least " + min + " (got " + value + ")");
    }
  }

  private static void inRange(String field, long value, long min, long max) throws ConfigException {
    if (value < min || value > max) {
      throw new ConfigException("bad value for config field \"" + field + "\": must be between " + min + " and "
          + max + " (got " + value + ")");
    }
  }

  /** Deep merge: objects merge key by key, anything else in {@code over} replaces the default. */
  private static void merge(ObjectNode base, ObjectNode over) {
    Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = base.get(field.getKey());
      if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overObject) {
        merge(existingObject, overObject);
      } else {
        base.set(field.getKey(), field.getValue());
      }
    }
  }

  private static ObjectNode defaultsTree() {
    try (InputStream in = NodeConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
      }
      return (ObjectNode) STRICT.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String describe(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return type.getSimpleName();
  }
}
