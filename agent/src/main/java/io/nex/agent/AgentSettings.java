package io.nex.agent;

import io.nex.api.agent.AgentMetadata;
import java.util.Map;

/** Reads the host-supplied metadata from the environment of a process sandbox. */
final class AgentSettings {
  private AgentSettings() {}

  static AgentMetadata fromEnvironment(Map<String, String> env) {
    String id = require(env, AgentMetadata.ENV_WORKLOAD_ID);
    String host = require(env, AgentMetadata.ENV_NATS_HOST);
    String port = require(env, AgentMetadata.ENV_NATS_PORT);
    String seed = require(env, AgentMetadata.ENV_NKEY_SEED);
    try {
      return new AgentMetadata(id, host, Integer.parseInt(port), seed, AgentMetadata.HOST_SUPPLIED);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(AgentMetadata.ENV_NATS_PORT + " is not a port: " + port);
    }
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + name + " in the agent's environment");
    }
    return value;
  }
}
