package io.nex.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigLoaderTest {

  private static NodeConfig parse(String json) throws ConfigException {
    return NodeConfigLoader.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void defaultsMatchTheSpec() {
    NodeConfig c = NodeConfigLoader.defaults();
    assertThat(c.machinePoolSize()).isEqualTo(1);
    assertThat(c.machineTemplate().vcpuCount()).isEqualTo(1);
    assertThat(c.machineTemplate().memsizeMib()).isEqualTo(256);
    assertThat(c.machineTemplate().diskMib()).isEqualTo(1024);
    assertThat(c.rateLimiters().any()).isFalse();
    assertThat(c.defaultResourceDir()).isEqualTo("/tmp/nex");
    assertThat(c.kernelFilepath()).isEqualTo("/tmp/nex/vmlinux");
    assertThat(c.rootfsFilepath()).isEqualTo("/tmp/nex/rootfs.ext4");
    assertThat(c.agentHandshakeTimeoutMs()).isEqualTo(5000);
    assertThat(c.agentPingTimeoutMs()).isEqualTo(750);
    assertThat(c.sandbox()).isNull();
    assertThat(c.cni().subnet()).isEqualTo("192.168.127.0/24");
    assertThat(c.hostServices().services().kv().enabled()).isTrue();
  }

  @Test
  void vmSandboxesWaitLongerForTheHandshakeUnlessTold() throws ConfigException {
    assertThat(parse("{\"sandbox\": \"qemu\"}").agentHandshakeTimeoutMs()).isEqualTo(60000);
    assertThat(parse("{\"sandbox\": \"firecracker\"}").agentHandshakeTimeoutMs()).isEqualTo(60000);
    assertThat(parse("{\"sandbox\": \"namespace\"}").agentHandshakeTimeoutMs()).isEqualTo(5000);
    assertThat(parse("{\"sandbox\": \"qemu\", \"agent_handshake_timeout_ms\": 9000}").agentHandshakeTimeoutMs())
        .isEqualTo(9000);
  }

  @Test
  void rateLimitersAreReadAsFirecrackersBuckets() throws ConfigException {
    NodeConfig c = parse("{\"rate_limiters\": {\"bandwidth\": {\"one_time_burst\": 1048576, \"refill_time\": 500,"
        + " \"size\": 1048576}, \"iops\": {\"one_time_burst\": 100, \"refill_time\": 1000, \"size\": 100}}}");
    assertThat(c.rateLimiters().bandwidth().perSecond()).isEqualTo(2 * 1048576);
    assertThat(c.rateLimiters().iops().perSecond()).isEqualTo(100);
    assertThat(parse("{\"machine_template\": {\"disk_mib\": 0}}").machineTemplate().diskMib()).isZero();
  }

  @Test
  void fileValuesOverrideDefaultsAndNestedObjectsMerge() throws ConfigException {
    NodeConfig c = parse("{\"machine_pool_size\": 3, \"machine_template\": {\"memsize_mib\": 512},"
        + " \"default_resource_dir\": \"/var/nex\", \"tags\": {\"zone\": \"a\"}}");
    assertThat(c.machinePoolSize()).isEqualTo(3);
    assertThat(c.machineTemplate().memsizeMib()).isEqualTo(512);
    assertThat(c.machineTemplate().vcpuCount()).isEqualTo(1);
    assertThat(c.machineTemplate().diskMib()).isEqualTo(1024);
    assertThat(c.kernelFilepath()).isEqualTo(Path.of("/var/nex", "vmlinux").toString());
    assertThat(c.tags()).containsEntry("zone", "a");
  }

  @Test
  void emptyObjectIsTheDefaults() throws ConfigException {
    assertThat(parse("{}")).isEqualTo(NodeConfigLoader.defaults());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"machine_pool_sise\": 2}                          | unknown config field \"machine_pool_sise\"",
      "{\"machine_template\": {\"vcpus\": 2}}               | unknown config field \"machine_template.vcpus\"",
      "{\"machine_pool_size\": \"three\"}                  | bad value for config field \"machine_pool_size\": expected an integer",
      "{\"machine_pool_size\": 0}                          | bad value for config field \"machine_pool_size\": must be at least 1 (got 0)",
      "{\"no_sandbox\": \"yes\"}                           | bad value for config field \"no_sandbox\": expected true or false",
      "{\"tags\": [1]}                                     | bad value for config field \"tags\": expected an object",
      "{\"workload_types\": [\"native\", \"cobol\"]}       | bad value for config field \"workload_types[1]\": unknown workload type \"cobol\"",
      "{\"sandbox\": \"docker\"}                           | bad value for config field \"sandbox\"",
      "{\"internal_node_port\": 70000}                     | bad value for config field \"internal_node_port\"",
      "{\"valid_issuers\": [\"UABC\"]}                     | bad value for config field \"valid_issuers[0]\"",
      "{\"agent_handshake_timeout_ms\": -5}                | bad value for config field \"agent_handshake_timeout_ms\"",
      "{\"rate_limiters\": {\"iops\": {\"one_time_burst\": 1, \"refill_time\": 0, \"size\": 1}}} | bad value for config field \"rate_limiters.iops.refill_time\": must be at least 1 (got 0)",
      "{\"rate_limiters\": {\"bandwidth\": {\"one_time_burst\": -1, \"refill_time\": 1, \"size\": 1}}} | bad value for config field \"rate_limiters.bandwidth.one_time_burst\"",
      "{\"machine_template\": {\"disk_mib\": 8}}          | bad value for config field \"machine_template.disk_mib\": must be at least 16 (got 8)",
      "{\"machine_template\": {\"disk_mib\": 0}, \"rate_limiters\": {\"iops\": {\"one_time_burst\": 0, \"refill_time\": 1000, \"size\": 10}}} | config field \"rate_limiters\" needs \"machine_template.disk_mib\" above 0",
      "{\"host_services_config\": {}}                     | unknown config field \"host_services_config\": the field is \"host_services\"; rename it",
      "{\"kernel_file\": \"/k\"}                          | unknown config field \"kernel_file\": the field is \"kernel_filepath\"",
      "{\"otel_traces\": true, \"otel_traces_exporter\": \"grpc\"} | config field \"otel_traces_exporter\": \"grpc\" is not supported",
      "{\"otel_traces_exporter\": \"zipkin\"}            | bad value for config field \"otel_traces_exporter\": \"zipkin\" (expected one of file, grpc, http)",
      "{\"otel_metrics_exporter\": \"statsd\"}           | bad value for config field \"otel_metrics_exporter\"",
      "{\"otlp_exporter_url\": \"http://127.0.0.1:4318\"} | config field \"otlp_exporter_url\" is only used with",
      "{\"otel_traces\": true, \"otel_traces_exporter\": \"http\", \"otlp_exporter_url\": \"localhost\"} | bad value for config field \"otlp_exporter_url\"",
      "{\"otel_metrics\": true, \"otel_metrics_exporter\": \"prometheus\", \"http_port\": 9000} | config fields \"http_port\" (9000) and \"otel_metrics_port\" (8085)",
      "{\"public_nats_server\": {\"port\": 0}}             | bad value for config field \"public_nats_server.port\"",
      "{\"public_nats_server\": {\"cluster\": {}}}         | unknown config field \"public_nats_server.cluster\": remove it",
      "{\"autostart\": {\"workloads\": [{\"name\": \"a\", \"type\": \"native\"}]}} | config field \"autostart.workloads[0].location\" is missing",
      "{\"autostart\": {\"workloads\": [{\"name\": \"a\", \"type\": \"oci\", \"location\": \"nats://B/k\"}]}} | bad value for config field \"autostart.workloads[0].type\"",
      "{\"functions_per_host\": 0}                        | bad value for config field \"functions_per_host\": must be at least 1 (got 0)",
      "{\"function_host_memory_mib\": 32}                 | bad value for config field \"function_host_memory_mib\": must be at least 64 (got 32)",
      "{\"function_host_memory_mib\": 300}                | bad value for config field \"function_host_memory_mib\": must be at most machine_template.memsize_mib (256)",
      "[1, 2]                                              | config must be a JSON object",
      "{\"machine_pool_size\": 2                           | config is not valid JSON"
  })
  void refusesBadConfigNamingTheField(String json, String expected) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void functionHostsDefaultToAThousandFunctionsInAHeapTheSandboxHasRoomFor() throws ConfigException {
    NodeConfig defaults = parse("{}");
    assertThat(defaults.functionsPerHost()).isEqualTo(1000);
    assertThat(defaults.functionHostMemoryMib()).isEqualTo(192);
    assertThat(parse("{\"machine_template\": {\"memsize_mib\": 128}}").functionHostMemoryMib()).isEqualTo(128);
    assertThat(parse("{\"functions_per_host\": 7, \"function_host_memory_mib\": 96}"))
        .extracting(NodeConfig::functionsPerHost, NodeConfig::functionHostMemoryMib).containsExactly(7, 96);
  }

  @Test
  void autostartWithoutEssentialIsNotEssential() throws ConfigException {
    // Nex's own autostart_config.json leaves essential out
    NodeConfig c = parse("{\"autostart\": {\"workloads\": [{\"name\": \"echofunctionjs\", \"namespace\": \"default\","
        + " \"type\": \"v8\", \"location\": \"nats://NEXCLIFILES/echofunctionjs\","
        + " \"trigger_subjects\": [\"hello.function\"]}]}}");
    assertThat(c.autostart().workloads()).hasSize(1);
    assertThat(c.autostart().workloads().get(0).essential()).isNull();
  }

  @Test
  void publicNatsServerIsRead() throws ConfigException {
    NodeConfig c = parse("{\"public_nats_server\": {\"server_name\": \"p\", \"addr\": \"0.0.0.0\", \"port\": 4333,"
        + " \"jetstream\": true}}");
    assertThat(c.publicNatsServer()).isEqualTo(new NodeConfig.PublicNatsServer("p", "0.0.0.0", 4333, true));
    assertThat(NodeConfigLoader.defaults().publicNatsServer()).isNull();
  }

  @Test
  void nodeIssuerSeedMustBeAnOperatorSeedAndIsNeverQuoted() throws ConfigException {
    io.nex.keys.NKeyPair operator = io.nex.keys.NKeyPair.create(io.nex.keys.KeyType.OPERATOR);
    assertThat(parse("{\"node_issuer_seed\": \"" + operator.seed() + "\"}").nodeIssuer())
        .map(io.nex.keys.NKeyPair::publicKey).contains(operator.publicKey());
    assertThat(NodeConfigLoader.defaults().nodeIssuer()).isEmpty();
    String account = io.nex.keys.NKeyPair.create(io.nex.keys.KeyType.ACCOUNT).seed();
    assertThatThrownBy(() -> parse("{\"node_issuer_seed\": \"" + account + "\"}"))
        .hasMessage("bad value for config field \"node_issuer_seed\": expected an operator seed (SO...)");
    assertThatThrownBy(() -> parse("{\"node_issuer_seed\": \"SOnotaseed\"}"))
        .hasMessage("bad value for config field \"node_issuer_seed\": not an nkey seed");
  }

  @Test
  void missingFileIsNamed() {
    assertThatThrownBy(() -> NodeConfigLoader.load(Path.of("/nonexistent/nex.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file /nonexistent/nex.json does not exist");
  }

  @Test
  void nodeUpFlagsWinOverTheFileAndAreValidatedLikeIt(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("node.json");
    java.nio.file.Files.writeString(file, "{\"otel_traces\": false, \"otel_metrics_port\": 9100}");
    NodeConfig c = NodeConfigLoader.load(file, Map.of("otel_traces", true, "otel_traces_exporter", "http"));
    assertThat(c.otelTraces()).isTrue();
    assertThat(c.otelTracesExporter()).isEqualTo("http");
    assertThat(c.otelMetricsPort()).isEqualTo(9100);
    assertThat(NodeConfigLoader.load(null, Map.of()).otelTraces()).isFalse();
    assertThatThrownBy(() -> NodeConfigLoader.load(null, Map.of("otel_traces", true, "otel_traces_exporter", "grpc")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("\"grpc\" is not supported");
  }
}
