package io.nex.cli.workload;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.StopRequest;
import io.nex.api.control.StopResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import io.nex.cli.identity.UserKeys;
import io.nex.keys.KeyException;
import io.nex.keys.WorkloadJwt;
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

  @Parameters(index = "0", paramLabel = "NODE_ID") String nodeId;
  @Parameters(index = "1", paramLabel = "WORKLOAD_ID") String workloadId;

  @Option(names = "--name", required = true, description = "the workload's name")
  String name;

  @Option(names = "--issuer", description = "issuer account seed file (default ~/.nex/issuer.nk)")
  Path issuer;

  @Override
  public Integer call() {
    String jwt;
    try {
      jwt = WorkloadJwt.issue(UserKeys.issuer(issuer), name, null);
    } catch (KeyException e) {
      throw new CliException("cannot sign the stop request: " + e.getMessage());
    }
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      Envelope reply = client.request(Subjects.stop(global.namespace, nodeId),
          Json.write(new StopRequest(workloadId, jwt, nodeId)), DeploySender.DEPLOY_TIMEOUT);
      if (reply.failed()) {
        throw new CliException("⛔ Workload failed to stop: " + reply.error());
      }
      StopResponse stopped = reply.dataAs(StopResponse.class);
      System.out.println("✅ Workload '" + stopped.name() + "' stopped.");
    }
    return 0;
  }
}
