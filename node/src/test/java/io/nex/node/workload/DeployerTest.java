package io.nex.node.workload;

import static io.nex.node.session.FakeAgentTransport.answer;
import static io.nex.node.session.FakeAgentTransport.first;
import static io.nex.node.session.FakeAgentTransport.nobody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nex.api.Json;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.api.control.StopRequest;
import io.nex.api.events.EventTypes;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.pool.WarmPool;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeAgentTransport;
import io.nex.node.session.FakeSandboxSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy pipeline (validate, stage, session.deploy, activate) and the stop path over fake
 * sandboxes, a fake artifact source and a scripted agent transport: no processes, no nats-server.
 */
class DeployerTest {
  private static final byte[] ARTIFACT = "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private final NKeyPair issuer = NKeyPair.create(KeyType.ACCOUNT);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final RecordingTriggers triggers = new RecordingTriggers();
  private final RecordingRelay relay = new RecordingRelay();
  private final Deployments deployments = new Deployments();
  private FakeSandboxSource sandboxes;
  private AgentSessions sessions;
  private WarmPool pool;
  private Deployer deployer;
  private String sha256;

  private void startNode(boolean sharesWorkDir) throws Exception {
    Path file = Files.write(dir.resolve("artifact"), ARTIFACT);
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ARTIFACT));
    ArtifactSource artifacts = (location, jsDomain, maxBytes) -> new Artifact(file, sha256, ARTIFACT.length);
    sandboxes = new FakeSandboxSource(dir.resolve("sandboxes"), sharesWorkDir);
    sessions = new AgentSessions(sandboxes, transport, Duration.ofSeconds(2));
    sessions.start();
    pool = new WarmPool(1, sessions, Duration.ofSeconds(30), Duration.ofMillis(500), reason -> {});
    pool.fill();
    await().atMost(Duration.ofSeconds(5)).until(() -> sandboxes.created.size() == 1);
    transport.inbound().handshake("sandbox-1", "Host-supplied metadata");
    deployer = new Deployer(NodeConfigLoader.parse(
        "{\"workload_types\": [\"native\", \"javascript\"]}".getBytes(StandardCharsets.UTF_8)), XKeyPair.create(),
        new Deployer.Collaborators(artifacts, pool, sessions, (ns, type, data) -> events.add(ns + " " + type + " " + data),
            deployments, triggers, relay));
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
      sessions.close();
    }
  }

  private DeployRequest request(String type, List<String> triggers) {
    return new DeployRequest(List.of("--port", "1"), "a test", type, "nats://NEXCLIFILES/echo", false,
        WorkloadJwt.issue(issuer, "echo", sha256), null, null, null, "node", triggers, 0, null, null);
  }

  private AgentDeployRequest sentDeploy() throws Json.MalformedJsonException {
    return Json.read(transport.sent(AgentCall.DEPLOY).get(0).body(), AgentDeployRequest.class);
  }

  @Test
  void aDeployReachesTheAgentPastNoRespondersAndIsAnnouncedWhenItsAckArrives() throws Exception {
    startNode(true);
    transport.when(AgentCall.DEPLOY, first(2, nobody(), answer(new DeployAck(true, "Workload deployed"))));

    RunResponse run = deployer.deploy("default", request("native", List.of()));

    assertThat(run.started()).isTrue();
    assertThat(run.id()).isEqualTo("sandbox-1");
    assertThat(run.issuer()).isEqualTo(issuer.publicKey());
    assertThat(transport.sent(AgentCall.DEPLOY)).hasSize(3);
    assertThat(Files.readAllBytes(sandboxes.get("sandbox-1").artifact())).isEqualTo(ARTIFACT);
    AgentDeployRequest sent = sentDeploy();
    assertThat(sent.workloadName()).isEqualTo("echo");
    assertThat(sent.hash()).isEqualTo(sha256);
    assertThat(sent.totalBytes()).isEqualTo(ARTIFACT.length);
    assertThat(sent.fetchArtifact()).isFalse();
    assertThat(events).containsExactly("default workload_deployed {workload_name=echo, id=sandbox-1, type=native}");
    assertThat(deployments.get("sandbox-1")).isPresent();
    await("the pool refills after the deploy").atMost(Duration.ofSeconds(5)).until(() -> sandboxes.created.size() == 2);
  }

  @Test
  void aWorkloadTheAgentRefusesIsRefusedWithItsReasonAndItsSandboxGoes() throws Exception {
    startNode(true);
    transport.when(AgentCall.DEPLOY, answer(new DeployAck(false, "cannot start the workload: no such file")));

    assertThatThrownBy(() -> deployer.deploy("default", request("native", List.of())))
        .isInstanceOf(RefusedException.class)
        .hasMessage("workload rejected by agent: cannot start the workload: no such file");

    assertThat(sandboxes.destroyed).containsExactly("sandbox-1");
    assertThat(deployments.count()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void aVmsAgentMayFetchTheArtifactOnlyWhileItsDeployIsAnswered() throws Exception {
    startNode(false);
    List<String> offeredDuringDeploy = new CopyOnWriteArrayList<>();
    transport.when(AgentCall.DEPLOY, (sent, timeout) -> {
      offeredDuringDeploy.addAll(transport.offered.keySet());
      return answer(new DeployAck(true, "Workload deployed")).respond(sent, timeout);
    });

    deployer.deploy("default", request("native", List.of()));

    assertThat(offeredDuringDeploy).containsExactly("sandbox-1");
    assertThat(transport.offered).isEmpty();
    assertThat(sentDeploy().fetchArtifact()).isTrue();
    assertThat(sandboxes.get("sandbox-1").artifact()).doesNotExist();
  }

  @Test
  void aFunctionInAVmIsRoutedOverTheInternalServerAfterItsAgentAcceptsIt() throws Exception {
    // where the sandbox shares the node's files functions go into function hosts (FunctionHostsTest)
    startNode(false);

    deployer.deploy("default", request("javascript", List.of("orders.>")));

    assertThat(triggers.routed).containsExactly("sandbox-1 nats");
    assertThat(sentDeploy().triggerSocket()).isFalse();
    assertThat(transport.sent(AgentCall.ADD_FUNCTION)).isEmpty();
  }

  @Test
  void aSpecDeploysWithItsOpenedEnvironmentAsARestartWould() throws Exception {
    startNode(true);
    WorkloadSpec spec = new WorkloadSpec("default", request("native", List.of()), Map.of("SECRET", "s3cret"))
        .retried(2);

    deployer.deploy(spec);

    AgentDeployRequest sent = sentDeploy();
    assertThat(sent.environment()).containsExactly(Map.entry("SECRET", "s3cret"));
    assertThat(sent.retryCount()).isEqualTo(2);
    assertThat(spec.toString()).doesNotContain("s3cret");
  }

  @Test
  void whatTheAgentPrintsIsRelayedAndItsWorkloadsEndDestroysTheSandbox() throws Exception {
    startNode(true);
    deployer.deploy("default", request("native", List.of()));

    transport.inbound().log("sandbox-1", new AgentLogLine("workload", 0, "listening"));
    transport.inbound().event("sandbox-1", EventTypes.WORKLOAD_UNDEPLOYED, new WorkloadEvent("echo", 3, "Workload exited with code 3"));

    assertThat(relay.lines).containsExactly("echo: listening");
    assertThat(deployments.count()).isZero();
    assertThat(sandboxes.destroyed).containsExactly("sandbox-1");
    assertThat(events).last().asString()
        .isEqualTo("default workload_undeployed {name=echo, id=sandbox-1, reason=Workload exited with code 3, code=3}");
  }

  @Test
  void aStopAsksTheAgentToUndeployThenDestroysTheSandbox() throws Exception {
    startNode(true);
    RunResponse run = deployer.deploy("default", request("native", List.of()));

    deployer.stop("default", new StopRequest(run.id(), WorkloadJwt.issue(issuer, "echo", null), "node"));

    assertThat(transport.sent(AgentCall.UNDEPLOY)).extracting(FakeAgentTransport.Sent::sandboxId)
        .containsExactly("sandbox-1");
    assertThat(sandboxes.destroyed).containsExactly("sandbox-1");
    assertThat(events).last().asString().contains("workload_undeployed", "reason=Workload shutdown requested");
  }

  @Test
  void aDeployOfAnUnknownTypeIsRefusedBeforeAnySandboxIsTaken() throws Exception {
    startNode(true);

    assertThatThrownBy(() -> deployer.deploy("default", request("cobol", List.of())))
        .hasMessage("unknown workload type \"cobol\"");

    assertThat(transport.sent(AgentCall.DEPLOY)).isEmpty();
    assertThat(pool.readyCount()).isEqualTo(1);
  }
}
