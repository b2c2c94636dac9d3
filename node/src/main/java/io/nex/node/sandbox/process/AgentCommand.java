package io.nex.node.sandbox.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of an agent: the built-in JVM agent run from this JVM's own class path, or an
 * executable the config names in {@code agent_path}. The JVM flags keep an idle agent small and
 * quick to start; it does little until a workload arrives.
 */
final class AgentCommand {
  static final String AGENT_MAIN = "io.nex.agent.AgentMain";
  static final List<String> JVM_OPTIONS = List.of(
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

  private AgentCommand() {}

  static List<String> of(String agentPath) {
    if (agentPath != null && !agentPath.isBlank()) {
      return List.of(agentPath);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AGENT_MAIN);
    return command;
  }
}
