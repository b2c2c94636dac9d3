package io.nex.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.StopRequest;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Speaks the control-plane protocol directly with jnats, as a user's own tooling would: uploads
 * artifacts, builds signed deploys with sealed environments, stops. Tests use it to send both
 * good requests and deliberately bad ones.
 */
public final class DeployClient {
  public static final String BUCKET = "TESTFILES";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Connection nc;
  private final NKeyPair issuer;
  private final XKeyPair publisher;

  public DeployClient(Connection nc) {
    this(nc, NKeyPair.create(KeyType.ACCOUNT), XKeyPair.create());
  }

  public DeployClient(Connection nc, NKeyPair issuer, XKeyPair publisher) {
    this.nc = nc;
    this.issuer = issuer;
    this.publisher = publisher;
  }

  public NKeyPair issuer() {
    return issuer;
  }

  /** Uploads {@code file} under {@code key}; returns its location. */
  public String upload(String key, Path file) throws IOException, JetStreamApiException, NoSuchAlgorithmException {
    var management = nc.objectStoreManagement();
    if (!management.getBucketNames().contains(BUCKET)) {
      management.create(ObjectStoreConfiguration.builder().name(BUCKET).storageType(StorageType.Memory).build());
    }
    try (InputStream in = Files.newInputStream(file)) {
      nc.objectStore(BUCKET).put(ObjectMeta.objectName(key), in);
    }
    return "nats://" + BUCKET + "/" + key;
  }

  public static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String nodeXkey(String namespace, String nodeId) throws InterruptedException {
    return envelope(Subjects.info(namespace, nodeId), new byte[0]).dataAs(InfoResponse.class).publicXkey();
  }

  /** A well-formed, signed deploy of a service; tests alter it to make bad ones. */
  public DeployRequest request(String name, String type, String location, String sha256, Map<String, String> env,
      String nodeId, String nodeXkey, List<String> argv) {
    String sealed = env.isEmpty() ? null
        : Base64.getEncoder().encodeToString(publisher.seal(Json.write(env), nodeXkey));
    return new DeployRequest(argv, "test workload", type, location, false, WorkloadJwt.issue(issuer, name, sha256),
        sealed, null, publisher.publicKey(), nodeId, List.of(), 0, null, null);
  }

  /** A well-formed, signed deploy of a function triggered by {@code triggers}. */
  public DeployRequest functionRequest(String name, String type, String location, String sha256, String nodeId,
      List<String> triggers) {
    return new DeployRequest(List.of(), "test function", type, location, false, WorkloadJwt.issue(issuer, name, sha256),
        null, null, publisher.publicKey(), nodeId, triggers, 0, null, null);
  }

  public Envelope deploy(String namespace, String nodeId, DeployRequest request) throws InterruptedException {
    return deployRaw(namespace, nodeId, Json.write(request));
  }

  public Envelope deployRaw(String namespace, String nodeId, byte[] body) throws InterruptedException {
    return envelope(Subjects.deploy(namespace, nodeId), body);
  }

  public Envelope stop(String namespace, String nodeId, String workloadId, String name) throws InterruptedException {
    return stopAs(issuer, namespace, nodeId, workloadId, name);
  }

  public Envelope stopAs(NKeyPair stopper, String namespace, String nodeId, String workloadId, String name)
      throws InterruptedException {
    StopRequest stop = new StopRequest(workloadId, WorkloadJwt.issue(stopper, name, null), nodeId);
    return envelope(Subjects.stop(namespace, nodeId), Json.write(stop));
  }

  private Envelope envelope(String subject, byte[] body) throws InterruptedException {
    Message reply = nc.request(subject, body, TIMEOUT);
    if (reply == null) {
      throw new AssertionError("no reply on " + subject);
    }
    try {
      return Json.read(reply.getData(), Envelope.class);
    } catch (Json.MalformedJsonException e) {
      throw new AssertionError("unreadable reply on " + subject + ": " + e.getMessage());
    }
  }
}
