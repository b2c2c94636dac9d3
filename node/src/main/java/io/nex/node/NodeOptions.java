package io.nex.node;

import io.nex.node.config.NodeConfig;
import java.nio.file.Path;

/** How {@code nex node up} was asked to run: the loaded config, where it came from, and the control plane URL. */
public record NodeOptions(NodeConfig config, Path configFile, String controlPlaneUrl, String nexus) {}
