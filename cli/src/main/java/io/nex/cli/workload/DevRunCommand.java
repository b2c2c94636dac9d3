package io.nex.cli.workload;

import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.RunResponse;
import io.nex.api.control.StopRequest;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.TraceOption;
import io.nex.cli.GlobalOptions;
import io.nex.cli.identity.UserKeys;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "devrun", aliases = "yeet", mixinStandardHelpOptions = true,
    description = "Upload a local file to the object store and deploy it, replacing a workload of the same name")
public final class DevRunCommand implements Callable<Integer> {
  static final String BUCKET = "NEXCLIFILES";
  private static final long PROGRESS_THRESHOLD = 1024 * 1024;

  @Mixin GlobalOptions global;
  @Mixin TraceOption trace;
  @Mixin WorkloadOptions options;

  @Parameters(index = "0", paramLabel = "FILE", description = "the workload to upload and run")
  Path file;

  @Parameters(index = "1..*", paramLabel = "NODE_ID|K=V", description = "optional target node id, then environment K=V pairs")
  List<String> rest = new ArrayList<>();

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new CliException("no such file: " + file);
    }
    String key = file.getFileName().toString().replace(".", "");
    String name = options.name != null ? options.name : key;
    String type = options.type != null ? options.type : typeFromName(file.getFileName().toString());
    List<String> env = new ArrayList<>(rest);
    String nodeId = !env.isEmpty() && !env.get(0).contains("=") ? env.remove(0) : null;
    NKeyPair issuer = UserKeys.issuer(options.issuer);
    XKeyPair publisher = UserKeys.publisher(options.xkey);
    String sha256 = ArtifactDigest.ofFile(file);
    try (ControlPlaneClient client = ControlPlaneClient.connect(global).traced(trace.start())) {
      String location = upload(client, key);
      String target = nodeId != null ? nodeId : NodePicker.pick(client, type, options.tags, file.toFile().length());
      stopSameName(client, target, name, issuer);
      RunResponse run = DeploySender.deploy(client, global.namespace, target, location, sha256, name, type,
          KeyValueArgs.parse(env), options, issuer, publisher);
      System.out.println("🚀 Workload '" + run.name() + "' accepted. You can now refer to this workload with ID: "
          + run.id() + " on node " + target);
    }
    return 0;
  }

  /** devrun in Nex 0.2.7 treated a .wasm file as native (#323); the extension is a good guess. */
  private static String typeFromName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jar")) {
      return "jar";
    }
    if (lower.endsWith(".wasm")) {
      return "wasm";
    }
    if (lower.endsWith(".js")) {
      return "javascript";
    }
    return "native";
  }

  private String upload(ControlPlaneClient client, String key) {
    try {
      long size = Files.size(file);
      ObjectStore store = objectStore(client);
      try (InputStream in = Files.newInputStream(file)) {
        InputStream source = size > PROGRESS_THRESHOLD && System.console() != null
            ? new UploadProgress(in, file.getFileName().toString(), size) : in;
        store.put(ObjectMeta.objectName(key), source);
      }
      return "nats://" + BUCKET + "/" + key;
    } catch (IOException | JetStreamApiException | NoSuchAlgorithmException e) {
      throw new CliException("cannot upload " + file + " to " + BUCKET + ": " + e.getMessage()
          + " (is JetStream enabled on " + global.server + "?)");
    }
  }

  private static ObjectStore objectStore(ControlPlaneClient client) throws IOException, JetStreamApiException {
    var management = client.connection().objectStoreManagement();
    if (!management.getBucketNames().contains(BUCKET)) {
      management.create(ObjectStoreConfiguration.builder().name(BUCKET).storageType(StorageType.File)
          .maxBucketSize(1024L * 1024 * 1024).build());
    }
    return client.connection().objectStore(BUCKET);
  }

  /** Up-arrow redeploy: the workload this replaces is stopped first, as Nex's devrun does. */
  private void stopSameName(ControlPlaneClient client, String nodeId, String name, NKeyPair issuer) {
    InfoResponse info = DeploySender.info(client, global.namespace, nodeId);
    for (InfoResponse.MachineSummary machine : info.machines()) {
      if (machine.workload() != null && name.equals(machine.workload().name())) {
        StopRequest stop = new StopRequest(machine.id(), WorkloadJwt.issue(issuer, name, null), nodeId);
        Envelope reply = client.request(Subjects.stop(global.namespace, nodeId), Json.write(stop),
            DeploySender.DEPLOY_TIMEOUT);
        System.err.println(reply.failed()
            ? "Could not stop the previous '" + name + "' (" + machine.id() + "): " + reply.error()
            : "Stopped the previous '" + name + "' (" + machine.id() + ")");
      }
    }
  }
}
