package io.nex.cli.node;

import picocli.CommandLine.Command;

@Command(name = "node", aliases = "nodes", mixinStandardHelpOptions = true, description = "Run and inspect nodes",
    subcommands = {NodeUpCommand.class, NodeLsCommand.class, NodeInfoCommand.class, NodePreflightCommand.class,
        NodeLameDuckCommand.class})
public final class NodeCommand {}
