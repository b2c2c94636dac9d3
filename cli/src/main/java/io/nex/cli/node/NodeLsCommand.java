package io.nex.cli.node;

import io.nex.api.Envelope;
import io.nex.api.Subjects;
import io.nex.api.control.PingResponse;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import io.nex.cli.Output;
import io.nex.cli.render.BoxTable;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List the nodes that answer a ping")
public final class NodeLsCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Override
  public Integer call() {
    List<PingResponse> nodes;
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      nodes = client.gather(Subjects.ping(), new byte[0]).stream()
          .filter(e -> !e.failed())
          .map(e -> e.dataAs(PingResponse.class))
          .sorted(Comparator.comparing(PingResponse::nodeId))
          .toList();
    }
    if (json) {
      Output.json(nodes);
      return 0;
    }
    if (nodes.isEmpty()) {
      System.out.println("No nodes discovered");
      return 0;
    }
    BoxTable table = new BoxTable("NATS Execution Nodes", "ID", "Version", "Uptime", "Workloads").alignRight(3);
    for (PingResponse node : nodes) {
      boolean lameDuck = node.tags() != null && "true".equals(node.tags().get("nex.lameduck"));
      table.row(node.nodeId() + (lameDuck ? "*" : ""), node.version(), node.uptime(), node.runningMachines());
    }
    System.out.print(table.render());
    return 0;
  }
}
