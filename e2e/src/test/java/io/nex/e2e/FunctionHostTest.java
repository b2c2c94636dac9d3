package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Message;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.RunResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Function hosts end to end, on one node: many functions of a tenant in one agent process, tenants
 * in processes of their own (told apart by pid), bad neighbours that loop, allocate without end
 * and trap while another keeps answering, one function undeployed among several, and a host
 * killed taking exactly its own functions with it. Each test uses tenants (issuers) of its own,
 * so each gets hosts of its own.
 */
// alone: bounds a neighbour's call time while four functions misbehave beside it
@Isolated
class FunctionHostTest {
  @TempDir static Path dir;
  static OneNode one;

  @BeforeAll
  static void start() throws Exception {
    one = OneNode.start(dir, "\"machine_pool_size\": 2, \"function_timeout_ms\": 1000, \"functions_per_host\": 8", 2);
  }

  @AfterAll
  static void stop() throws Exception {
    one.close();
  }

  private static DeployClient tenant() {
    return new DeployClient(one.connection(), NKeyPair.create(KeyType.ACCOUNT), XKeyPair.create());
  }

  private static RunResponse deploy(DeployClient tenant, String name, String type, Path artifact, String trigger)
      throws Exception {
    return deploy(one, tenant, name, type, artifact, trigger);
  }

  static RunResponse deploy(OneNode one, DeployClient tenant, String name, String type, Path artifact, String trigger)
      throws Exception {
    Envelope reply = tenant.deploy("default", one.node().nodeId(), tenant.functionRequest(name, type,
        tenant.upload(name, artifact), DeployClient.sha256(artifact), one.node().nodeId(), List.of(trigger)));
    assertThat(reply.error()).as(one.node().log()).isNull();
    return reply.dataAs(RunResponse.class);
  }

  private static Path fixture(String name) {
    return Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/functions").resolve(name);
  }

  private static Path wasm(String wat) throws Exception {
    Path out = dir.resolve(wat.replace(".wat", ".wasm"));
    Process build = new ProcessBuilder("wat2wasm", fixture(wat).toString(), "-o", out.toString()).inheritIO().start();
    assertThat(build.waitFor(30, TimeUnit.SECONDS) && build.exitValue() == 0).as("wat2wasm " + wat).isTrue();
    return out;
  }

  private static Path echoJs() {
    return Path.of(System.getProperty("echo.js"));
  }

  private static Path echoWasm() {
    return Path.of(System.getProperty("echo.wasm"));
  }

  private static String hostOf(RunResponse run) throws Exception {
    return hostOf(one, run);
  }

  /** The sandbox id of the host a function runs in, as {@code node info} shows it. */
  static String hostOf(OneNode one, RunResponse run) throws Exception {
    Message reply = one.connection().request(Subjects.info("default", one.node().nodeId()), new byte[0],
        Duration.ofSeconds(5));
    InfoResponse info = Json.read(reply.getData(), Envelope.class).dataAs(InfoResponse.class);
    return info.machines().stream().filter(m -> m.id().equals(run.id())).findFirst()
        .orElseThrow(() -> new AssertionError(run.id() + " is not in node info")).host();
  }

  private static Message request(String subject, String payload) throws InterruptedException {
    return one.connection().request(subject, payload.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
  }

  private static String text(Message m) {
    return new String(m.getData(), StandardCharsets.UTF_8);
  }

  private static void stopAll(DeployClient tenant, List<RunResponse> runs) throws InterruptedException {
    for (RunResponse run : runs) {
      tenant.stop("default", one.node().nodeId(), run.id(), run.name());
    }
  }

  @Test
  void functionsOfOneTenantShareAProcessAndTwoTenantsNever() throws Exception {
    DeployClient alice = tenant();
    DeployClient bob = tenant();
    RunResponse a1 = deploy(alice, "a1", "javascript", echoJs(), "hosts.a1");
    RunResponse a2 = deploy(alice, "a2", "wasm", echoWasm(), "hosts.a2");
    RunResponse b1 = deploy(bob, "b1", "javascript", echoJs(), "hosts.b1");
    try {
      assertThat(a1.id()).isNotEqualTo(hostOf(a1));
      assertThat(hostOf(a1)).isEqualTo(hostOf(a2)).isNotEqualTo(hostOf(b1));
      assertThat(AgentKilledTest.agentOf(hostOf(a1))).isEqualTo(AgentKilledTest.agentOf(hostOf(a2)))
          .isNotEqualTo(AgentKilledTest.agentOf(hostOf(b1)));
      assertThat(text(request("hosts.a1", "one"))).isEqualTo("\"one\"");
      assertThat(text(request("hosts.a2", "two"))).isEqualTo("two");
      assertThat(text(request("hosts.b1", "three"))).isEqualTo("\"three\"");
    } finally {
      stopAll(alice, List.of(a1, a2));
      stopAll(bob, List.of(b1));
    }
  }

  @Test
  void aLoopingAnAllocatingAndATrappingFunctionLeaveTheirNeighbourAnswering() throws Exception {
    DeployClient carol = tenant();
    RunResponse neighbour = deploy(carol, "neighbour", "wasm", echoWasm(), "bad.neighbour");
    List<RunResponse> bad = List.of(
        deploy(carol, "loops", "javascript", fixture("forever.js"), "bad.loops"),
        deploy(carol, "hogs", "javascript", fixture("hog.js"), "bad.hogs"),
        deploy(carol, "grows", "wasm", wasm("grow.wat"), "bad.grows"),
        deploy(carol, "traps", "wasm", wasm("trap.wat"), "bad.traps"));
    try {
      String host = hostOf(neighbour);
      for (RunResponse run : bad) {
        assertThat(hostOf(run)).as(run.name()).isEqualTo(host);
      }
      long pid = AgentKilledTest.agentOf(host);
      List<CompletableFuture<Message>> badCalls = new ArrayList<>();
      for (String subject : List.of("bad.loops", "bad.hogs", "bad.grows", "bad.traps")) {
        badCalls.add(one.connection().request(subject, "x".getBytes(StandardCharsets.UTF_8)));
      }
      long slowest = 0;
      for (int call = 0; call < 30; call++) {
        long started = System.nanoTime();
        Message reply = request("bad.neighbour", "still here " + call);
        slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        assertThat(reply).as("neighbour call " + call).isNotNull();
        assertThat(text(reply)).as(() -> "neighbour call failed: " + (reply.getHeaders() == null ? "-"
            : reply.getHeaders().getFirst(FunctionHeaders.ERROR))).isEqualTo("still here " + call);
      }
      assertThat(slowest).as("slowest neighbour call, ms").isLessThan(2000);
      List<String> errors = new ArrayList<>();
      for (CompletableFuture<Message> call : badCalls) {
        Message reply = call.get(10, TimeUnit.SECONDS);
        errors.add(reply.getHeaders() == null ? "no error: " + text(reply)
            : reply.getHeaders().getFirst(FunctionHeaders.ERROR));
      }
      // each fails in its own way; on a loaded machine the allocating ones may reach their time
      // limit before their memory cap
      assertThat(errors).satisfiesExactly(
          loops -> assertThat(loops).isEqualTo("function timed out after 1000 ms"),
          hogs -> assertThat(hogs).containsAnyOf("ran out of memory", "timed out after 1000 ms"),
          // 1 page, then 1 MiB at a time: the grow past 24 MiB is refused at 23 MiB and a page
          grows -> assertThat(grows).containsAnyOf("unreachable instruction (linear memory 23 MiB of 24 MiB)",
              "timed out after 1000 ms"),
          traps -> assertThat(traps).contains("unreachable instruction (linear memory 64 KiB of 24 MiB)"));
      assertThat(AgentKilledTest.agentOf(host)).as("the host's agent is the same process").isEqualTo(pid);
      assertThat(text(request("bad.neighbour", "after"))).isEqualTo("after");
    } finally {
      List<RunResponse> all = new ArrayList<>(bad);
      all.add(neighbour);
      stopAll(carol, all);
    }
  }

  @Test
  void undeployingOneOfManyLeavesTheOthersInTheirHost() throws Exception {
    DeployClient dave = tenant();
    List<RunResponse> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(deploy(dave, "d" + i, i % 2 == 0 ? "wasm" : "javascript", i % 2 == 0 ? echoWasm() : echoJs(), "many.d" + i));
    }
    String host = hostOf(runs.get(0));
    long pid = AgentKilledTest.agentOf(host);
    try (EventRecorder events = new EventRecorder(one.connection())) {
      Envelope stopped = dave.stop("default", one.node().nodeId(), runs.get(1).id(), "d1");
      assertThat(stopped.error()).isNull();

      await().atMost(Duration.ofSeconds(5)).until(() -> events.any("$NEX.events.default.workload_undeployed",
          runs.get(1).id()));
      assertThat(request("many.d1", "gone?")).as("d1 is no longer routed").isNull();
      for (int i : new int[] {0, 2, 3}) {
        assertThat(request("many.d" + i, "here")).as("d" + i).isNotNull();
        assertThat(hostOf(runs.get(i))).isEqualTo(host);
      }
      assertThat(AgentKilledTest.agentOf(host)).isEqualTo(pid);
    } finally {
      stopAll(dave, List.of(runs.get(0), runs.get(2), runs.get(3)));
    }
    await("the empty host is destroyed").atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).isEmpty());
  }

  @Test
  void aKilledHostTakesExactlyItsOwnFunctionsWithItAndSaysWhy() throws Exception {
    DeployClient erin = tenant();
    DeployClient frank = tenant();
    RunResponse e1 = deploy(erin, "e1", "javascript", echoJs(), "killed.e1");
    RunResponse e2 = deploy(erin, "e2", "wasm", echoWasm(), "killed.e2");
    RunResponse f1 = deploy(frank, "f1", "wasm", echoWasm(), "killed.f1");
    try (EventRecorder events = new EventRecorder(one.connection())) {
      String host = hostOf(e1);
      ProcessHandle agent = ProcessHandle.of(AgentKilledTest.agentOf(host)).orElseThrow();
      agent.destroyForcibly();
      agent.onExit().join();

      for (RunResponse run : List.of(e1, e2)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events.any("$NEX.events.default.workload_undeployed",
            run.id()));
        assertThat(events.on("$NEX.events.default.workload_undeployed").stream()
            .filter(e -> e.body().contains(run.id())).findFirst().orElseThrow().body())
            .contains("\"reason\":\"agent exited with code 137\"", "\"code\":137");
      }
      assertThat(request("killed.e1", "x")).as("e1 is no longer routed").isNull();
      assertThat(request("killed.e2", "x")).as("e2 is no longer routed").isNull();
      assertThat(text(request("killed.f1", "other tenant"))).isEqualTo("other tenant");
      assertThat(events.any("$NEX.events.default.workload_undeployed", f1.id())).isFalse();
    } finally {
      stopAll(frank, List.of(f1));
    }
  }
}
