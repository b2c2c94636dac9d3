package io.nex.cli.node;

import io.nex.cli.ControlPlaneClient;
import io.nex.cli.DurationOption;
import io.nex.cli.GlobalOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nex lameduck <id>} (Nex's spelling) and {@code nex node lameduck <id>}. */
@Command(name = "lameduck", mixinStandardHelpOptions = true,
    description = "Drain a node: it refuses new work, stops its workloads at the deadline, then exits")
public final class NodeLameDuckCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "NODE_ID")
  String nodeId;

  @Option(names = "--deadline", converter = DurationOption.class,
      description = "how long running workloads may go on before the node stops them (default: the node's, 30s)")
  Duration deadline;

  @Override
  public Integer call() {
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      LameDuckSender.send(client, nodeId, deadline);
    }
    System.out.println("Command to enter lame duck mode issued to " + nodeId);
    return 0;
  }
}
