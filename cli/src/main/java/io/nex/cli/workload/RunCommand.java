package io.nex.cli.workload;

import io.nex.api.control.RunResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.TraceOption;
import io.nex.cli.GlobalOptions;
import io.nex.cli.identity.UserKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Deploy an artifact already in the control plane's object store")
public final class RunCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;
  @Mixin TraceOption trace;
  @Mixin WorkloadOptions options;

  @Parameters(index = "0", paramLabel = "URL", description = "nats://BUCKET/key")
  String location;

  @Parameters(index = "1..*", paramLabel = "NODE_ID|K=V", description = "optional target node id, then environment K=V pairs")
  List<String> rest = new ArrayList<>();

  @Override
  public Integer call() {
    if (options.name == null) {
      throw new CliException("--name is required");
    }
    String type = options.type == null ? "native" : options.type;
    List<String> env = new ArrayList<>(rest);
    String nodeId = !env.isEmpty() && !env.get(0).contains("=") ? env.remove(0) : null;
    try (ControlPlaneClient client = ControlPlaneClient.connect(global).traced(trace.start())) {
      ArtifactDigest.Stored artifact = ArtifactDigest.ofStoredObject(client, location);
      String target = nodeId != null ? nodeId : NodePicker.pick(client, type, options.tags, artifact.size());
      RunResponse run = DeploySender.deploy(client, global.namespace, target, location, artifact.sha256(), options.name, type,
          KeyValueArgs.parse(env), options, UserKeys.issuer(options.issuer), UserKeys.publisher(options.xkey));
      System.out.println("🚀 Workload '" + run.name() + "' accepted. You can now refer to this workload with ID: "
          + run.id() + " on node " + target);
    }
    return 0;
  }
}
