package io.nex.cli.workload;

import io.nex.api.control.StopResponse;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.TraceOption;
import io.nex.cli.GlobalOptions;
import io.nex.cli.identity.UserKeys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop a workload; only the issuer that deployed it may")
public final class StopCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;
  @Mixin TraceOption trace;

  @Parameters(index = "0", paramLabel = "NODE_ID") String nodeId;
  @Parameters(index = "1", paramLabel = "WORKLOAD_ID") String workloadId;

  @Option(names = "--name", required = true, description = "the workload's name")
  String name;

  @Option(names = "--issuer", description = "issuer account seed file (default ~/.nex/issuer.nk)")
  Path issuer;

  @Override
  public Integer call() {
    try (ControlPlaneClient client = ControlPlaneClient.connect(global).traced(trace.start())) {
      StopResponse stopped = StopSender.stop(client, global.namespace, nodeId, workloadId, name,
          UserKeys.issuer(issuer));
      System.out.println("✅ Workload '" + stopped.name() + "' stopped.");
    }
    return 0;
  }
}
