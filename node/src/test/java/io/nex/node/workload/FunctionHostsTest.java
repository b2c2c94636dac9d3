package io.nex.node.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nex.api.Json;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.HostMemory;
import io.nex.api.agent.RemoveFunctionRequest;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.api.control.StopRequest;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.pool.WarmPool;
import io.nex.node.session.AgentCall;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.FakeAgentTransport;
import io.nex.node.session.FakeSandbox;
import io.nex.node.session.FakeSandboxSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement of functions into function hosts, over fake sandboxes and a scripted agent
 * transport: tenants, slots, one hand-over per hash, removal of one function, the empty host
 * destroyed, the host's end ending every function in it.
 */
class FunctionHostsTest {
  private static final byte[] SCRIPT = "(subject, payload) => payload".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final FakeAgentTransport transport = new FakeAgentTransport();
  private final NKeyPair alice = NKeyPair.create(KeyType.ACCOUNT);
  private final NKeyPair bob = NKeyPair.create(KeyType.ACCOUNT);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final RecordingTriggers triggers = new RecordingTriggers();
  private final RecordingRelay relay = new RecordingRelay();
  private final Deployments deployments = new Deployments();
  private FakeSandboxSource sandboxes;
  private AgentSessions sessions;
  private WarmPool pool;
  private Deployer deployer;
  private String sha256;
  private ArtifactSource artifacts;
  /** Where the node's artifact lookups go: the artifact, unless a test says otherwise. */
  private volatile ArtifactSource lookup;
  private volatile boolean running = true;

  @BeforeEach
  void startNode() throws Exception {
    Path file = Files.write(dir.resolve("artifact"), SCRIPT);
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(SCRIPT));
    Artifact artifact = new Artifact(file, sha256, SCRIPT.length);
    lookup = (location, jsDomain, maxBytes) -> artifact;
    artifacts = (location, jsDomain, maxBytes) -> lookup.fetch(location, jsDomain, maxBytes);
    sandboxes = new FakeSandboxSource(dir.resolve("sandboxes"), true);
    sessions = new AgentSessions(sandboxes, transport, Duration.ofSeconds(2));
    sessions.start();
    pool = new WarmPool(1, sessions, Duration.ofSeconds(30), Duration.ofMillis(500), reason -> {});
    handshakeEveryNewAgent();
    pool.fill();
    deployer = deployer(2);
  }

  private Deployer deployer(int functionsPerHost) throws Exception {
    return new Deployer(NodeConfigLoader.parse(("{\"workload_types\": [\"javascript\"], \"functions_per_host\": "
        + functionsPerHost + "}").getBytes(StandardCharsets.UTF_8)),
        XKeyPair.create(), new Deployer.Collaborators(artifacts, pool, sessions,
            (ns, type, data) -> events.add(ns + " " + type + " " + data), deployments, triggers, relay));
  }

  /** What a real agent does once it is up: handshake (a handshake before the session exists is lost). */
  private void handshakeEveryNewAgent() {
    Thread agents = new Thread(() -> {
      int handshaken = 0;
      while (running) {
        if (sandboxes.created.size() > handshaken
            && transport.inbound().handshake(sandboxes.created.get(handshaken).id(), "hello")) {
          handshaken++;
        }
        Thread.onSpinWait();
      }
    }, "fake-agents");
    agents.setDaemon(true);
    agents.start();
  }

  @AfterEach
  void stop() {
    running = false;
    pool.close();
    sessions.close();
  }

  private RunResponse deploy(String namespace, NKeyPair issuer, String name) throws Exception {
    return deploy(namespace, issuer, name, sha256);
  }

  private RunResponse deploy(String namespace, NKeyPair issuer, String name, String hash) throws Exception {
    return deployer.deploy(namespace, new DeployRequest(List.of(), "a function", "javascript",
        "nats://NEXCLIFILES/echo", false, WorkloadJwt.issue(issuer, name, hash), null, null, null, "node",
        List.of("orders." + name), 0, null, null));
  }

  private List<String> hostsOf(RunResponse... runs) {
    return java.util.Arrays.stream(runs).map(r -> deployments.get(r.id()).orElseThrow().session().id()).toList();
  }

  @Test
  void functionsOfOneTenantShareAHostUpToItsSlotsAndTenantsNeverShare() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    RunResponse a2 = deploy("default", alice, "a2");
    RunResponse a3 = deploy("default", alice, "a3");
    RunResponse b1 = deploy("default", bob, "b1");
    RunResponse otherNamespace = deploy("other", alice, "a4");

    List<String> hosts = hostsOf(a1, a2, a3, b1, otherNamespace);
    assertThat(hosts.get(0)).isEqualTo(hosts.get(1));
    assertThat(hosts.subList(2, 5)).doesNotContain(hosts.get(0)).doesNotHaveDuplicates();
    assertThat(a1.id()).isNotEqualTo(hosts.get(0)).isNotEqualTo(a2.id());
    assertThat(transport.sent(AgentCall.DEPLOY)).isEmpty();
    AddFunctionRequest sent = Json.read(transport.sent(AgentCall.ADD_FUNCTION).get(1).body(), AddFunctionRequest.class);
    assertThat(sent.functionId()).isEqualTo(a2.id());
    assertThat(sent.function().workloadName()).isEqualTo("a2");
    assertThat(sent.function().memsizeMib()).isEqualTo(192 / 8);
    assertThat(triggers.routed).contains(a2.id() + " in " + hosts.get(1) + " " + AgentDeployRequest.TRIGGER_SOCKET_FILE);
    assertThat(events).anySatisfy(e -> assertThat(e).startsWith("default workload_deployed {workload_name=a2, id="
        + a2.id()));
  }

  /** Slots are left in the first two hosts (two each), but their agents said they were full. */
  @Test
  void aHostWhoseAgentReportsItsMemoryFullTakesNoMoreFunctions() throws Exception {
    long mib = 1024 * 1024;
    long sandbox = 256 * mib; // the default machine_template.memsize_mib
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(new DeployAck(true, "Function deployed",
        new HostMemory(97 * mib, 192 * mib, 80 * mib))));
    RunResponse heapFull = deploy("default", alice, "a1");
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(new DeployAck(true, "Function deployed",
        new HostMemory(20 * mib, 192 * mib, sandbox * 3 / 4 + mib))));
    RunResponse residentFull = deploy("default", alice, "a2");
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(new DeployAck(true, "Function deployed",
        new HostMemory(95 * mib, 192 * mib, sandbox * 3 / 4))));
    RunResponse roomy = deploy("default", alice, "a3");
    RunResponse beside = deploy("default", alice, "a4");

    List<String> hosts = hostsOf(heapFull, residentFull, roomy, beside);
    assertThat(hosts.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(hosts.get(3)).isEqualTo(hosts.get(2));

  }

  @Test
  void aFunctionLeavingAHostFullInMemoryLetsTheNextAddFindOutWhetherThereIsRoomNow() throws Exception {
    deployer = deployer(3);
    long mib = 1024 * 1024;
    DeployAck roomy = new DeployAck(true, "Function deployed", new HostMemory(20 * mib, 192 * mib, 80 * mib));
    DeployAck full = new DeployAck(true, "Function deployed", new HostMemory(97 * mib, 192 * mib, 80 * mib));
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(roomy));
    RunResponse a1 = deploy("default", alice, "a1");
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(full));
    RunResponse a2 = deploy("default", alice, "a2");
    RunResponse a3 = deploy("default", alice, "a3");
    assertThat(hostsOf(a2)).isEqualTo(hostsOf(a1));
    assertThat(hostsOf(a3)).isNotEqualTo(hostsOf(a1));

    deployer.stop("default", new StopRequest(a2.id(), WorkloadJwt.issue(alice, "a2", null), "node"));
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(roomy));
    RunResponse a4 = deploy("default", alice, "a4");

    assertThat(hostsOf(a4)).isEqualTo(hostsOf(a1));
  }

  @Test
  void anArtifactIsHandedToAHostOnceAndEachFunctionLogsUnderItsOwnId() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    RunResponse a2 = deploy("default", alice, "a2");
    FakeSandbox host = sandboxes.get(hostsOf(a1).get(0));

    assertThat(Files.readAllBytes(host.workFile(AddFunctionRequest.artifactFile(sha256)))).isEqualTo(SCRIPT);
    transport.inbound().log(host.id(), AgentLogLine.ofFunction(a2.id(), 0, "from a2"));
    transport.inbound().log(host.id(), AgentLogLine.ofFunction("nobody", 0, "stray"));
    transport.inbound().log(host.id(), new AgentLogLine("agent", 0, "the agent's own"));

    assertThat(relay.lines).containsExactly("a2: from a2");
  }

  @Test
  void stoppingOneFunctionRemovesOnlyItAndTheLastOneTakesTheHostWithIt() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    RunResponse a2 = deploy("default", alice, "a2");
    String host = hostsOf(a1).get(0);

    deployer.stop("default", new StopRequest(a1.id(), WorkloadJwt.issue(alice, "a1", null), "node"));

    assertThat(transport.sent(AgentCall.REMOVE_FUNCTION)).extracting(s -> Json.read(s.body(),
        RemoveFunctionRequest.class).functionId()).containsExactly(a1.id());
    assertThat(transport.sent(AgentCall.UNDEPLOY)).isEmpty();
    assertThat(sandboxes.destroyed).doesNotContain(host);
    assertThat(deployments.get(a2.id())).isPresent();
    assertThat(triggers.routed).contains("unrouted " + a1.id()).doesNotContain("unrouted " + a2.id());

    deployer.stop("default", new StopRequest(a2.id(), WorkloadJwt.issue(alice, "a2", null), "node"));

    assertThat(sandboxes.destroyed).containsExactly(host);
    RunResponse again = deploy("default", alice, "a3");
    assertThat(hostsOf(again)).doesNotContain(host);
  }

  @Test
  void whenTheHostDiesEveryFunctionInItIsUndeployedWithTheReasonAndUnrouted() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    RunResponse a2 = deploy("default", alice, "a2");
    RunResponse b1 = deploy("default", bob, "b1");
    String host = hostsOf(a1).get(0);

    sandboxes.get(host).exit(137);

    await().atMost(Duration.ofSeconds(5)).until(() -> deployments.count() == 1);
    assertThat(deployments.get(b1.id())).isPresent();
    assertThat(triggers.routed).contains("unrouted " + a1.id(), "unrouted " + a2.id()).doesNotContain("unrouted " + b1.id());
    for (RunResponse gone : List.of(a1, a2)) {
      assertThat(events).anySatisfy(e -> assertThat(e).contains("workload_undeployed", "id=" + gone.id(),
          "reason=agent exited with code 137", "code=137"));
    }
    assertThat(sandboxes.destroyed).containsExactly(host);
  }

  @Test
  void aHostWhoseTriggerSocketEndedEndsWithItsFunctionsAndItsTenantGetsANewOne() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    RunResponse a2 = deploy("default", alice, "a2");
    String host = hostsOf(a1).get(0);

    triggers.socketEnded.get(host).run();

    await().atMost(Duration.ofSeconds(5)).until(() -> deployments.count() == 0);
    for (RunResponse gone : List.of(a1, a2)) {
      assertThat(events).anySatisfy(e -> assertThat(e).contains("workload_undeployed", "id=" + gone.id(),
          "reason=the function host's trigger socket ended"));
    }
    assertThat(sandboxes.destroyed).containsExactly(host);
    assertThat(hostsOf(deploy("default", alice, "a3"))).doesNotContain(host);
  }

  @Test
  void aFunctionTheHostRefusesGivesItsSlotBackAndAnEmptyHostGoes() throws Exception {
    transport.when(AgentCall.ADD_FUNCTION, FakeAgentTransport.answer(new DeployAck(false, "SyntaxError: nope")));

    assertThatThrownBy(() -> deploy("default", alice, "a1"))
        .isInstanceOf(RefusedException.class)
        .hasMessage("workload rejected by agent: SyntaxError: nope");

    assertThat(deployments.count()).isZero();
    assertThat(sandboxes.destroyed).containsExactly("sandbox-1");
    assertThat(events).noneMatch(e -> e.contains("workload_deployed"));
  }

  @Test
  void aHostHoldingTheArtifactIsAskedToAddTheFunctionBeforeItsLocationIsLookedUp() throws Exception {
    deploy("default", alice, "a1");
    ArtifactSource plain = lookup;
    List<Integer> addsSentWhenLookedUp = new CopyOnWriteArrayList<>();
    lookup = (location, jsDomain, maxBytes) -> {
      addsSentWhenLookedUp.add(transport.sent(AgentCall.ADD_FUNCTION).size());
      return plain.fetch(location, jsDomain, maxBytes);
    };

    deploy("default", alice, "a2");

    // the first add had to wait for its artifact; the second went out before its lookup
    assertThat(addsSentWhenLookedUp).containsExactly(2);
  }

  @Test
  void aLocationNoLongerHoldingTheArtifactRefusesTheDeployAndTheHostLetsTheFunctionGo() throws Exception {
    RunResponse a1 = deploy("default", alice, "a1");
    lookup = (location, jsDomain, maxBytes) -> {
      throw new ArtifactException("artifact " + location + " does not exist");
    };

    assertThatThrownBy(() -> deploy("default", alice, "a2"))
        .isInstanceOf(RefusedException.class)
        .hasMessage("artifact nats://NEXCLIFILES/echo does not exist");

    String added = Json.read(transport.sent(AgentCall.ADD_FUNCTION).get(1).body(), AddFunctionRequest.class)
        .functionId();
    assertThat(transport.sent(AgentCall.REMOVE_FUNCTION)).singleElement()
        .satisfies(s -> assertThat(Json.read(s.body(), RemoveFunctionRequest.class).functionId()).isEqualTo(added));
    assertThat(deployments.count()).isEqualTo(1);
    assertThat(triggers.routed).noneMatch(r -> r.startsWith(added));
    assertThat(events).noneMatch(e -> e.contains("workload_deployed") && e.contains(added));
    // its slot came back: with two a host, a1's host takes the next one
    lookup = (location, jsDomain, maxBytes) -> new Artifact(dir.resolve("artifact"), sha256, SCRIPT.length);
    assertThat(hostsOf(deploy("default", alice, "a3"))).isEqualTo(hostsOf(a1));
    assertThat(sandboxes.destroyed).isEmpty();
  }

  @Test
  void aFunctionWhoseJwtNamesNoArtifactIsRefusedBeforeItsTenantsHostHearsOfIt() throws Exception {
    deploy("default", alice, "a1");

    assertThatThrownBy(() -> deploy("default", alice, "a2", null))
        .isInstanceOf(RefusedException.class)
        .hasMessage("workload_jwt has no artifact hash (nats.hash); it must name the artifact's sha256");
    assertThat(transport.sent(AgentCall.ADD_FUNCTION)).as("nothing reached the host").hasSize(1);
    assertThat(deployments.count()).isEqualTo(1);
  }
}
