package io.nex.node.essential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nex.api.Json;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.StopRequest;
import io.nex.api.events.EventTypes;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.function.FunctionTriggers;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.pool.WarmPool;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeAgentTransport;
import io.nex.node.session.FakeSandboxSource;
import io.nex.node.workload.Artifact;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.Deployments;
import io.nex.node.workload.RecordingRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local restarts of essential workloads, through a real {@link Deployer} over fake sandboxes and
 * a scripted agent transport, with no fleet (the buckets cannot be opened): no nats-server.
 */
class EssentialKeeperTest {
  private static final byte[] ARTIFACT = "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private final NKeyPair issuer = NKeyPair.create(KeyType.ACCOUNT);
  private final XKeyPair nodeXkey = XKeyPair.create();
  private final AtomicBoolean lameDuck = new AtomicBoolean();
  private final Set<String> handshaken = ConcurrentHashMap.newKeySet();
  private FakeSandboxSource sandboxes;
  private AgentSessions sessions;
  private WarmPool pool;
  private Deployer deployer;
  private EssentialKeeper keeper;
  private String sha256;

  @BeforeEach
  void start() throws Exception {
    Path file = Files.write(dir.resolve("artifact"), ARTIFACT);
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ARTIFACT));
    sandboxes = new FakeSandboxSource(dir.resolve("sandboxes"), true);
    sessions = new AgentSessions(sandboxes, transport, Duration.ofSeconds(2));
    sessions.start();
    pool = new WarmPool(1, sessions, Duration.ofSeconds(30), Duration.ofMillis(500), reason -> {});
    FunctionTriggers noTriggers = new FunctionTriggers() {
      @Override
      public void route(io.nex.node.workload.Deployment deployment, Optional<Path> triggerSocket) {}

      @Override
      public void routeHosted(io.nex.node.workload.Deployment deployment, String hostId, Path hostSocket,
          Runnable socketEnded, java.util.concurrent.CompletableFuture<?> added) {}

      @Override
      public void unroute(String workloadId) {}
    };
    deployer = new Deployer(NodeConfigLoader.parse("{\"workload_types\": [\"native\"]}".getBytes(StandardCharsets.UTF_8)),
        nodeXkey, new Deployer.Collaborators((location, jsDomain, maxBytes) -> new Artifact(file, sha256, ARTIFACT.length),
            pool, sessions, (ns, type, data) -> {}, new Deployments(), noTriggers, new RecordingRelay()));
    keeper = EssentialKeeper.start(config -> {
      throw new IOException("no JetStream in this test");
    }, "NODE", nodeXkey, deployer, type -> true, lameDuck::get, new NodeMetrics());
    pool.fill();
    handshakeNext();
  }

  @AfterEach
  void stop() {
    keeper.close();
    pool.close();
    sessions.close();
  }

  /** The agent of the next sandbox the pool starts handshakes. */
  private String handshakeNext() {
    String id = await().atMost(Duration.ofSeconds(5))
        .until(() -> sandboxes.created.stream().map(s -> s.id()).filter(i -> !handshaken.contains(i)).findFirst(),
            Optional::isPresent)
        .orElseThrow();
    handshaken.add(id);
    transport.inbound().handshake(id, "Host-supplied metadata");
    return id;
  }

  private String deployEssential(Map<String, String> environment) throws Exception {
    XKeyPair sender = XKeyPair.create();
    String sealed = Base64.getEncoder().encodeToString(sender.seal(Json.write(environment), nodeXkey.publicKey()));
    DeployRequest request = new DeployRequest(List.of(), "essential", "native", "nats://NEXCLIFILES/svc", true,
        WorkloadJwt.issue(issuer, "svc", sha256), sealed, null, sender.publicKey(), "NODE", List.of(), 0, null, null);
    return deployer.deploy("default", request).id();
  }

  private AgentDeployRequest deploySentTo(String sandboxId) throws Exception {
    return Json.read(transport.sent(AgentCall.DEPLOY).stream().filter(s -> s.sandboxId().equals(sandboxId))
        .findFirst().orElseThrow().body(), AgentDeployRequest.class);
  }

  @Test
  void anEssentialWorkloadThatExitsIsDeployedAgainWithItsEnvironmentAndARaisedRetryCount() throws Exception {
    String first = deployEssential(Map.of("SECRET", "s3cret"));
    String second = handshakeNext();

    transport.inbound().event(first, EventTypes.WORKLOAD_UNDEPLOYED, new WorkloadEvent("svc", 1, "exited"));

    await().atMost(Duration.ofSeconds(5)).until(() -> transport.sent(AgentCall.DEPLOY).size() == 2);
    AgentDeployRequest restart = deploySentTo(second);
    assertThat(restart.environment()).as("the opened environment, not re-sealed").containsExactly(
        Map.entry("SECRET", "s3cret"));
    assertThat(restart.retryCount()).isEqualTo(1);
    assertThat(restart.essential()).isTrue();
    assertThat(sandboxes.destroyed).containsExactly(first);
  }

  @Test
  void aStoppedEssentialWorkloadIsNotRestarted() throws Exception {
    String first = deployEssential(Map.of());
    handshakeNext();

    deployer.stop("default", new StopRequest(first, WorkloadJwt.issue(issuer, "svc", null), "NODE"));

    Thread.sleep(EssentialKeeper.backoff(1).toMillis() + 500);
    assertThat(transport.sent(AgentCall.DEPLOY)).hasSize(1);
  }

  @Test
  void aDrainingNodeDoesNotRestartWhatItHandedToTheFleet() throws Exception {
    String first = deployEssential(Map.of());
    handshakeNext();
    lameDuck.set(true);

    transport.inbound().event(first, EventTypes.WORKLOAD_UNDEPLOYED, new WorkloadEvent("svc", 1, "exited"));

    Thread.sleep(EssentialKeeper.backoff(1).toMillis() + 500);
    assertThat(transport.sent(AgentCall.DEPLOY)).hasSize(1);
  }

  @Test
  void backoffDoublesFromHalfASecondAndStopsAtThirtySeconds() {
    assertThat(EssentialKeeper.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(EssentialKeeper.backoff(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(EssentialKeeper.backoff(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(EssentialKeeper.backoff(7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(EssentialKeeper.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
  }
}
