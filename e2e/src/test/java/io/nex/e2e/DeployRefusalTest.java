package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.PingResponse;
import io.nex.api.control.RunResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad deploy or stop is answered with an error naming the cause, and the node keeps
 * serving (checked with a ping after each). The node trusts one issuer only, so a foreign
 * issuer can be tested too.
 */
class DeployRefusalTest {
  @TempDir static Path dir;
  static OneNode one;
  static String nodeId;
  static String xkey;
  static String location;
  static String sha256;

  @BeforeAll
  static void start() throws Exception {
    one = OneNode.start(dir, client -> "\"machine_pool_size\": 1, \"workload_types\": [\"native\", \"jar\"], "
        + "\"valid_issuers\": [\"" + client.issuer().publicKey() + "\"]", 1, Duration.ofSeconds(30));
    nodeId = one.node().nodeId();
    xkey = one.client().nodeXkey("default", nodeId);
    Path echo = Path.of(System.getProperty("echo.native"));
    location = one.client().upload("echo", echo);
    sha256 = DeployClient.sha256(echo);
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  @AfterEach
  void nodeStillServes() throws Exception {
    assertThat(one.node().isAlive()).as(one.node().log()).isTrue();
    Envelope ping = Json.read(one.connection().request("$NEX.PING." + nodeId, new byte[0], Duration.ofSeconds(2))
        .getData(), Envelope.class);
    assertThat(ping.dataAs(PingResponse.class).nodeId()).isEqualTo(nodeId);
  }

  private static DeployRequest good(String name) {
    return one.client().request(name, "native", location, sha256, Map.of("NATS_URL", one.controlPlane().url()),
        nodeId, xkey, List.of("echo.refusal"));
  }

  private static String refusal(DeployRequest request) throws InterruptedException {
    return refusal(one.client().deploy("default", nodeId, request));
  }

  private static String refusal(Envelope reply) {
    assertThat(reply.failed()).as("expected a refusal, got " + reply.data()).isTrue();
    assertThat(reply.type()).isEqualTo("io.nats.nex.v1.run_response");
    return reply.error();
  }

  private static DeployRequest with(DeployRequest r, String type, String location, String jwt, String env,
      String sender) {
    return new DeployRequest(r.argv(), r.description(), type, location, r.essential(), jwt, env, r.jsdomain(), sender,
        r.targetNode(), r.triggerSubjects(), r.retryCount(), r.retriedAt(), r.hostServices());
  }

  @Test
  void malformedJson() throws Exception {
    assertThat(refusal(one.client().deployRaw("default", nodeId, "{\"type\": ".getBytes(StandardCharsets.UTF_8))))
        .startsWith("malformed JSON for DeployRequest");
  }

  @Test
  void unknownWorkloadType() throws Exception {
    DeployRequest r = good("refused");
    assertThat(refusal(with(r, "cobol", r.location(), r.workloadJwt(), r.environment(), r.senderPublicKey())))
        .isEqualTo("unknown workload type \"cobol\"");
  }

  @Test
  void typeNotEnabledOnThisNode() throws Exception {
    DeployRequest r = good("refused");
    assertThat(refusal(with(r, "wasm", r.location(), r.workloadJwt(), r.environment(), r.senderPublicKey())))
        .startsWith("workload type \"wasm\" is not enabled on this node");
  }

  @Test
  void missingArtifact() throws Exception {
    DeployRequest r = good("refused");
    assertThat(refusal(with(r, "native", "nats://TESTFILES/nothing-here", r.workloadJwt(), r.environment(),
        r.senderPublicKey()))).contains("nats://TESTFILES/nothing-here").contains("does not exist");
    assertThat(refusal(with(r, "native", null, r.workloadJwt(), r.environment(), r.senderPublicKey())))
        .startsWith("missing artifact location");
  }

  @Test
  void hashMismatch() throws Exception {
    DeployRequest r = good("refused");
    String otherHash = "0".repeat(64);
    String jwt = WorkloadJwt.issue(one.client().issuer(), "refused", otherHash);
    assertThat(refusal(with(r, "native", r.location(), jwt, r.environment(), r.senderPublicKey())))
        .startsWith("artifact hash mismatch").contains(otherHash).contains(sha256);
  }

  @Test
  void unsignedRequest() throws Exception {
    DeployRequest r = good("refused");
    assertThat(refusal(with(r, "native", r.location(), null, r.environment(), r.senderPublicKey())))
        .startsWith("missing workload_jwt");
  }

  @Test
  void badSignature() throws Exception {
    DeployRequest r = good("refused");
    String[] parts = r.workloadJwt().split("\\.");
    String otherClaims = WorkloadJwt.issue(one.client().issuer(), "impostor", sha256).split("\\.")[1];
    String forged = parts[0] + "." + otherClaims + "." + parts[2];
    assertThat(refusal(with(r, "native", r.location(), forged, r.environment(), r.senderPublicKey())))
        .startsWith("invalid workload_jwt").contains("signature");
  }

  @Test
  void issuerNotInValidIssuers() throws Exception {
    NKeyPair stranger = NKeyPair.create(KeyType.ACCOUNT);
    DeployRequest r = good("refused");
    String jwt = WorkloadJwt.issue(stranger, "refused", sha256);
    assertThat(refusal(with(r, "native", r.location(), jwt, r.environment(), r.senderPublicKey())))
        .isEqualTo("issuer " + stranger.publicKey() + " is not in this node's valid_issuers");
  }

  @Test
  void environmentSealedToAnotherNode() throws Exception {
    DeployRequest r = good("refused");
    XKeyPair sender = XKeyPair.create();
    String sealedElsewhere = Base64.getEncoder().encodeToString(
        sender.seal("{\"SECRET\":\"nope\"}".getBytes(StandardCharsets.UTF_8), XKeyPair.create().publicKey()));
    String reason = refusal(with(r, "native", r.location(), r.workloadJwt(), sealedElsewhere, sender.publicKey()));
    assertThat(reason).startsWith("environment does not open with this node's xkey").doesNotContain("nope");
  }

  @Test
  void tamperedEnvironment() throws Exception {
    DeployRequest r = good("refused");
    byte[] sealed = Base64.getDecoder().decode(r.environment());
    sealed[sealed.length - 1] ^= 1;
    assertThat(refusal(with(r, "native", r.location(), r.workloadJwt(), Base64.getEncoder().encodeToString(sealed),
        r.senderPublicKey()))).startsWith("environment does not open with this node's xkey");
  }

  @Test
  void oversizedRequest() throws Exception {
    byte[] huge = ("{\"description\": \"" + "x".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(refusal(one.client().deployRaw("default", nodeId, huge))).contains("over the limit of 262144");
  }

  @Test
  void stopByAnotherIssuerAndStopOfAnUnknownId() throws Exception {
    RunResponse run = one.client().deploy("default", nodeId, good("stoppable")).dataAs(RunResponse.class);
    assertThat(run.started()).isTrue();
    try {
      Envelope foreign = one.client().stopAs(NKeyPair.create(KeyType.ACCOUNT), "default", nodeId, run.id(),
          "stoppable");
      assertThat(foreign.failed()).isTrue();
      assertThat(foreign.type()).isEqualTo("io.nats.nex.v1.stop_response");
      assertThat(foreign.error()).isEqualTo("only the issuer that deployed workload " + run.id() + " may stop it");

      Envelope otherNamespace = one.client().stop("elsewhere", nodeId, run.id(), "stoppable");
      assertThat(otherNamespace.error()).isEqualTo("no such workload: " + run.id());
    } finally {
      assertThat(one.client().stop("default", nodeId, run.id(), "stoppable").failed()).isFalse();
    }
    Envelope unknown = one.client().stop("default", nodeId, "aaaaaaaaaaaaaaaaaaaa", "stoppable");
    assertThat(unknown.error()).isEqualTo("no such workload: aaaaaaaaaaaaaaaaaaaa");
    Envelope again = one.client().stop("default", nodeId, run.id(), "stoppable");
    assertThat(again.error()).isEqualTo("no such workload: " + run.id());
  }

  @Test
  void unsignedStop() throws Exception {
    Envelope reply = one.client().deployRaw("default", nodeId, new byte[0]);
    assertThat(reply.error()).startsWith("empty request body");
    io.nats.client.Message stop = one.connection().request("$NEX.STOP.default." + nodeId,
        "{\"workload_id\": \"aaaaaaaaaaaaaaaaaaaa\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
    assertThat(Json.read(stop.getData(), Envelope.class).error()).isEqualTo("no such workload: aaaaaaaaaaaaaaaaaaaa");
  }

  @Test
  void artifactThatFailsTheAgentsHashCheckIsNeverRun() throws Exception {
    // the node checks the JWT's hash against what it fetched; replacing the object after a deploy
    // cached it must still be caught by the node, not handed to the agent
    Path impostor = dir.resolve("impostor.sh");
    Files.writeString(impostor, "#!/bin/sh\necho pwned\n");
    String replaced = one.client().upload("echo-replaced", impostor);
    DeployRequest r = good("refused");
    assertThat(refusal(with(r, "native", replaced, r.workloadJwt(), r.environment(), r.senderPublicKey())))
        .startsWith("artifact hash mismatch");
  }
}
