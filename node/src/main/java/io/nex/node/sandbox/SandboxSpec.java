package io.nex.node.sandbox;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig.MachineTemplate;
import java.nio.file.Path;

/** What a driver needs to start one sandbox with an agent inside. */
public record SandboxSpec(String id, AgentMetadata metadata, MachineTemplate template, Path workDir) {}
