package io.nex.node.sandbox;

import io.nex.agent.function.V8Library;
import io.nex.api.agent.AgentMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How any driver starts an agent: the command line (the built-in JVM agent run from this JVM's
 * own class path, or an executable the config names in {@code agent_path}) and the environment.
 * The JVM flags keep an idle agent small and quick to start; it does little until a workload
 * arrives.
 */
public final class AgentLaunch {
  public static final String AGENT_MAIN = "io.nex.agent.AgentMain";
  public static final List<String> JVM_OPTIONS = List.of(
      "-Xshare:auto",
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      "-Xms8m",
      "-Xmx64m",
      "-Xss512k",
      "-XX:ReservedCodeCacheSize=16m",
      "-XX:MaxMetaspaceSize=64m",
      "-XX:CICompilerCount=1",
      "-XX:-UsePerfData");

  private AgentLaunch() {}

  /**
   * @param heapMib the agent's heap limit: any agent may become a function host, whose functions
   *     live in it (the heap is committed only as it is used, so an idle agent costs no more)
   */
  public static List<String> command(String agentPath, int heapMib) {
    if (agentPath != null && !agentPath.isBlank()) {
      return List.of(agentPath);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    JVM_OPTIONS.stream().map(option -> option.startsWith("-Xmx") ? "-Xmx" + heapMib + "m" : option)
        .forEach(command::add);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AGENT_MAIN);
    return command;
  }

  /**
   * The agent's whole environment: its metadata and a PATH, never the node's own environment,
   * which may hold the node's credentials.
   */
  public static Map<String, String> environment(SandboxSpec spec, String path) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", path);
    env.put("HOME", spec.workDir().toString());
    AgentMetadata m = spec.metadata();
    env.put(AgentMetadata.ENV_SANDBOX, "false");
    env.put(AgentMetadata.ENV_WORKLOAD_ID, m.vmid());
    env.put(AgentMetadata.ENV_NATS_HOST, m.nodeNatsHost());
    env.put(AgentMetadata.ENV_NATS_PORT, Integer.toString(m.nodeNatsPort()));
    env.put(AgentMetadata.ENV_NKEY_SEED, m.nodeNatsNkey());
    AgentV8Library.directory().ifPresent(dir -> env.put(V8Library.ENV_DIRECTORY, dir.toString()));
    return env;
  }
}
