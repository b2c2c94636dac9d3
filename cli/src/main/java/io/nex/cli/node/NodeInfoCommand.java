package io.nex.cli.node;

import io.nex.api.Envelope;
import io.nex.api.Subjects;
import io.nex.api.control.InfoResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import io.nex.cli.Output;
import io.nex.cli.render.BoxTable;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Show one node: identity, sandbox, pool and workloads")
public final class NodeInfoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(paramLabel = "NODE_ID", description = "the node's id (N...)")
  String nodeId;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Override
  public Integer call() {
    Envelope reply;
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      reply = client.requestFromNode(Subjects.info(global.namespace, nodeId), new byte[0], nodeId);
    }
    if (reply.failed()) {
      throw new CliException("node " + nodeId + " refused: " + reply.error());
    }
    InfoResponse info = reply.dataAs(InfoResponse.class);
    if (json) {
      Output.json(info);
      return 0;
    }
    StringBuilder out = new StringBuilder();
    out.append("NEX Node Information\n\n");
    field(out, "Node", nodeId);
    field(out, "Xkey", info.publicXkey());
    field(out, "Version", info.version());
    field(out, "Uptime", info.uptime());
    field(out, "Sandbox", info.sandbox());
    field(out, "Workload types", String.join(", ", info.supportedWorkloadTypes()));
    field(out, "Tags", tags(info.tags()));
    out.append("\nMemory in kB\n");
    field(out, "Free", Long.toString(info.memory().free()));
    field(out, "Available", Long.toString(info.memory().available()));
    field(out, "Total", Long.toString(info.memory().total()));
    System.out.print(out);
    BoxTable pool = new BoxTable("Warm pool", "Sandbox", "State");
    info.pool().forEach(a -> pool.row(a.id(), a.state()));
    System.out.print("\n" + pool.render());
    if (info.machines().isEmpty()) {
      System.out.println("\nNo workloads in namespace " + global.namespace);
    } else {
      BoxTable workloads = new BoxTable("Workloads", "", "ID", "Name", "Type", "Runtime");
      info.machines().forEach(m -> workloads.row(m.healthy() ? "🟢" : "🔴", m.id(), m.workload().name(),
          m.workload().type(), m.workload().runtime()));
      System.out.print("\n" + workloads.render());
    }
    return 0;
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(String.format("  %-15s %s%n", name + ":", value == null ? "" : value));
  }

  private static String tags(Map<String, String> tags) {
    return tags == null ? "" : tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
