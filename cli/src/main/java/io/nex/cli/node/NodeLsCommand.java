package io.nex.cli.node;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
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

  /**
   * A node as listed: its ping answer, and whether that answer proved it is the node it names
   * ({@link io.nex.cli.trust.NodeTrust}); {@code untrusted_reason} says why not.
   */
  record ListedNode(@JsonUnwrapped PingResponse node, boolean trusted, String untrustedReason) {}

  @Override
  public Integer call() {
    List<ListedNode> nodes;
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      nodes = client.gatherFromNodes(Subjects.ping(), new byte[0]).stream()
          .filter(r -> !r.envelope().failed())
          .map(r -> new ListedNode(r.envelope().dataAs(PingResponse.class), r.trusted(), r.distrust().orElse(null)))
          .sorted(Comparator.comparing(n -> String.valueOf(n.node().nodeId())))
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
    // the table keeps Nex's columns; an untrusted node is marked "!" and explained below it
    BoxTable table = new BoxTable("NATS Execution Nodes", "ID", "Version", "Uptime", "Workloads").alignRight(3);
    for (ListedNode listed : nodes) {
      PingResponse node = listed.node();
      boolean lameDuck = node.tags() != null && "true".equals(node.tags().get("nex.lameduck"));
      table.row(node.nodeId() + (lameDuck ? "*" : "") + (listed.trusted() ? "" : "!"), node.version(), node.uptime(),
          node.runningMachines());
    }
    System.out.print(table.render());
    for (ListedNode listed : nodes) {
      if (!listed.trusted()) {
        System.out.println("! " + listed.node().nodeId() + " is untrusted (" + listed.untrustedReason()
            + "): it never wins an auction and is never sent a deploy");
      }
    }
    return 0;
  }
}
