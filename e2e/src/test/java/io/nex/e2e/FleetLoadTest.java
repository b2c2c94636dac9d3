package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.PingResponse;
import io.nex.api.control.RunResponse;
import io.nex.testkit.ControlPlaneCluster;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Load on a three-node fleet, bounded in count and time, loopback only: many workloads at once,
 * many trigger messages, many deploy/stop cycles, and nothing leaked or grown afterwards.
 */
// alone: hundreds of agent JVMs starting at once load both cores
@Isolated
class FleetLoadTest {
  private static final int NODES = 3;
  private static final int POOL = 6;
  private static final int CONCURRENT_WORKLOADS = 150;
  private static final int TRIGGER_MESSAGES = 10_000;
  /**
   * Deploy/stop cycles: {@code nex.load.cycles} (600), unless {@code nex.load.cycle-seconds}
   * (300 s) run out first; at least {@link #MIN_CYCLES}. Every {@link #NATIVE_EVERY}th cycle is a
   * native echo, which takes a sandbox and boots a fresh agent JVM to refill the pool (~0.4
   * CPU-seconds); the others are WebAssembly functions, deployed into and removed from a function
   * host that lives through the stage: the node's whole deploy and stop path without a JVM start.
   */
  private static final int CYCLES = Integer.getInteger("nex.load.cycles", 600);
  private static final Duration CYCLE_BUDGET = Duration.ofSeconds(Integer.getInteger("nex.load.cycle-seconds", 300));
  private static final int MIN_CYCLES = 200;
  private static final int NATIVE_EVERY = 10;
  private static final Duration DEPLOY_BOUND = Duration.ofMinutes(4);
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  /** Deploys retried for capacity, by the refusal's reason: which one dominates tells where the time went. */
  private static final AtomicInteger NO_WARM_SANDBOX = new AtomicInteger();
  private static final AtomicInteger AGENT_SILENT = new AtomicInteger();

  @TempDir static Path dir;
  static ControlPlaneCluster cluster;
  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<String> ids = new ArrayList<>();
  static final List<Connection> connections = new ArrayList<>();
  static DeployClient client;
  static String echoLocation;
  static String echoSha;
  static String wasmLocation;
  static String wasmSha;

  @BeforeAll
  static void start() throws Exception {
    cluster = ControlPlaneCluster.start(dir, NODES);
    for (int i = 0; i < NODES; i++) {
      Path res = dir.resolve("node" + i);
      nodes.add(NodeProcess.start(res, cluster.url(i), NodeProcess.config(res,
          "\"sandbox\": \"process\", \"agent_handshake_timeout_ms\": 60000, \"machine_pool_size\": " + POOL)));
      // 64 senders share each connection on a box that is starting 150 JVMs: jnats' default
      // 2 s to take the write queue's lock ("Output queue is busy") is too short there
      connections.add(Nats.connect(new Options.Builder().server(cluster.url(i))
          .writeQueuePushTimeout(Duration.ofSeconds(30)).build()));
    }
    for (NodeProcess node : nodes) {
      node.awaitLog("Received agent handshake", POOL, Duration.ofSeconds(90));
      ids.add(node.nodeId());
    }
    client = new DeployClient(connections.get(0));
    Path echo = Path.of(System.getProperty("echo.native"));
    echoLocation = client.upload("echo", echo);
    echoSha = DeployClient.sha256(echo);
    Path wasm = Path.of(System.getProperty("echo.wasm"));
    wasmLocation = client.upload("cyclefn", wasm);
    wasmSha = DeployClient.sha256(wasm);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Connection c : connections) {
      c.close();
    }
    for (NodeProcess node : nodes) {
      node.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Deploys an echo on {@code node}. A refusal for lack of capacity (no warm sandbox yet, an agent
   * too starved to answer in time; the node destroys that sandbox) is retried, as a scheduler
   * would; any other refusal fails the test.
   */
  private static RunResponse deployEcho(int node, String name, String subject) throws Exception {
    String xkey = client.nodeXkey("default", ids.get(node));
    return deploy(node, name, () -> client.request(name, "native", echoLocation, echoSha,
        Map.of("NATS_URL", cluster.url(node)), ids.get(node), xkey, List.of(subject)));
  }

  private static RunResponse deployFunction(int node, String name, String subject) throws Exception {
    return deploy(node, name, () -> client.functionRequest(name, "wasm", wasmLocation, wasmSha, ids.get(node),
        List.of(subject)));
  }

  /** A deploy request, made anew for each attempt (each is signed and sealed afresh). */
  @FunctionalInterface
  private interface Request {
    DeployRequest make() throws Exception;
  }

  private static RunResponse deploy(int node, String name, Request request) throws Exception {
    long deadline = System.nanoTime() + DEPLOY_BOUND.toNanos();
    while (true) {
      Envelope reply = client.deploy("default", ids.get(node), request.make());
      if (!reply.failed()) {
        return reply.dataAs(RunResponse.class);
      }
      boolean noWarmSandbox = reply.error().contains("no warm sandbox");
      boolean agentSilent = reply.error().contains("did not answer the deploy");
      if (!(noWarmSandbox || agentSilent) || System.nanoTime() > deadline) {
        throw new AssertionError("deploy of " + name + " refused: " + reply.error());
      }
      (noWarmSandbox ? NO_WARM_SANDBOX : AGENT_SILENT).incrementAndGet();
    }
  }

  private static int running() throws Exception {
    int total = 0;
    for (String id : ids) {
      Message reply = connections.get(0).request(Subjects.ping(id), new byte[0], Duration.ofSeconds(5));
      total += Json.read(reply.getData(), Envelope.class).dataAs(PingResponse.class).runningMachines();
    }
    return total;
  }

  private static long workloadProcesses(String marker) throws IOException {
    return ProcessScan.processesMentioning(marker).size();
  }

  private static long sandboxDirs() throws IOException {
    long count = 0;
    for (int i = 0; i < NODES; i++) {
      try (Stream<Path> nodesDir = Files.list(dir.resolve("node" + i).resolve("nodes"))) {
        for (Path nodeDir : nodesDir.toList()) {
          try (Stream<Path> sandboxes = Files.list(nodeDir.resolve("sandboxes"))) {
            count += sandboxes.count();
          }
        }
      }
    }
    return count;
  }

  @Test
  void aHundredAndFiftyWorkloadsAtOnceAllRunThenAllStopWithNothingLeaked() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(64);
    long started = System.nanoTime();
    try {
      List<CompletableFuture<RunResponse>> deploys = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_WORKLOADS; i++) {
        int n = i;
        deploys.add(CompletableFuture.supplyAsync(() -> {
          try {
            return deployEcho(n % NODES, "load" + n, "echo.load." + n);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, senders));
      }
      List<RunResponse> runs = new ArrayList<>();
      for (CompletableFuture<RunResponse> d : deploys) {
        runs.add(d.get(DEPLOY_BOUND.toMillis(), TimeUnit.MILLISECONDS));
      }
      assertThat(running()).isEqualTo(CONCURRENT_WORKLOADS);
      System.out.printf("%d workloads running on %d nodes in %d s; retried for capacity: %d with no warm sandbox, %d"
          + " with an agent too starved to answer%n", CONCURRENT_WORKLOADS, NODES,
          Duration.ofNanos(System.nanoTime() - started).toSeconds(), NO_WARM_SANDBOX.get(), AGENT_SILENT.get());
      for (int i = 0; i < CONCURRENT_WORKLOADS; i++) {
        String subject = "echo.load." + i;
        Connection nc = connections.get(i % NODES);
        // checked at once: awaitility's default first delay of 100 ms is 15 s over 150 workloads
        await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> nc.request(subject, new byte[] {1}, Duration.ofSeconds(2)) != null);
      }
      assertThat(workloadProcesses("echo.load.")).isEqualTo(CONCURRENT_WORKLOADS);

      List<CompletableFuture<Envelope>> stops = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        int n = i;
        stops.add(CompletableFuture.supplyAsync(() -> {
          try {
            return client.stop("default", ids.get(n % NODES), runs.get(n).id(), "load" + n);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }, senders));
      }
      for (CompletableFuture<Envelope> s : stops) {
        assertThat(s.get(60, TimeUnit.SECONDS).error()).isNull();
      }
      assertThat(running()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> workloadProcesses("echo.load.") == 0);
      // only the refilled warm pools remain
      await().atMost(Duration.ofSeconds(60)).until(() -> sandboxDirs() == (long) NODES * POOL);
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void tenThousandTriggersSpreadOverTheFleetAreAllAnswered() throws Exception {
    Path wasm = Path.of(System.getProperty("echo.wasm"));
    String location = client.upload("loadfn", wasm);
    List<RunResponse> functions = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Envelope reply = client.deploy("default", ids.get(i), client.functionRequest("loadfn", "wasm", location,
          DeployClient.sha256(wasm), ids.get(i), List.of("fn.load")));
      assertThat(reply.error()).isNull();
      functions.add(reply.dataAs(RunResponse.class));
    }
    // a queue group prefers members on the publisher's own server: publish through every server
    Semaphore inFlight = new Semaphore(64);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    List<CompletableFuture<Message>> all = new ArrayList<>();
    for (int i = 0; i < TRIGGER_MESSAGES; i++) {
      inFlight.acquire();
      byte[] payload = ("m" + i).getBytes(StandardCharsets.UTF_8);
      CompletableFuture<Message> reply = connections.get(i % NODES)
          .requestWithTimeout("fn.load", payload, Duration.ofSeconds(10));
      String expected = "m" + i;
      all.add(reply.whenComplete((m, e) -> {
        inFlight.release();
        if (e == null && m != null && expected.equals(new String(m.getData(), StandardCharsets.UTF_8))) {
          answered.incrementAndGet();
        } else {
          wrong.incrementAndGet();
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(60, TimeUnit.SECONDS);
    assertThat(wrong.get()).isZero();
    assertThat(answered.get()).isEqualTo(TRIGGER_MESSAGES);
    for (int i = 0; i < NODES; i++) {
      assertThat(nodes.get(i).log()).doesNotContain("function_exec_failed");
      client.stop("default", ids.get(i), functions.get(i).id(), "loadfn");
    }
  }

  @Test
  void nodeMemoryStaysFlatOverManyDeployStopCycles() throws Exception {
    int warmup = 60;
    AtomicInteger done = new AtomicInteger();
    List<long[]> before = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(NODES);
    List<RunResponse> anchors = new ArrayList<>();
    for (int node = 0; node < NODES; node++) {
      anchors.add(deployFunction(node, "anchor", "fn.anchor"));
    }
    long started = System.nanoTime();
    try {
      runCycles(workers, warmup, done, Long.MAX_VALUE);
      for (NodeProcess node : nodes) {
        before.add(footprint(node.pid()));
      }
      runCycles(workers, CYCLES - warmup, done, started + CYCLE_BUDGET.toNanos());
    } finally {
      workers.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%d deploy/stop cycles over %d nodes in %.0f s (%.1f/s)%n", done.get(), NODES, seconds,
        done.get() / seconds);
    assertThat(done.get()).isGreaterThanOrEqualTo(Math.min(CYCLES, MIN_CYCLES));
    for (int i = 0; i < NODES; i++) {
      long[] was = before.get(i);
      long[] now = footprint(nodes.get(i).pid());
      System.out.printf("node %d after %d cycles: live heap %d -> %d KiB, threads %d -> %d, fds %d -> %d%n", i,
          done.get(), was[0], now[0], was[1], now[1], was[2], now[2]);
      assertThat(now[0] - was[0]).as("live heap growth, KiB").isLessThan(16 * 1024);
      assertThat(now[1] - was[1]).as("thread growth").isLessThanOrEqualTo(10);
      assertThat(now[2] - was[2]).as("open file growth").isLessThanOrEqualTo(16);
    }
    assertThat(workloadProcesses("echo.cycle.")).isZero();
    for (int node = 0; node < NODES; node++) {
      assertThat(client.stop("default", ids.get(node), anchors.get(node).id(), "anchor").error()).isNull();
    }
  }

  /** Deploy/stop cycles, one stream per node, until {@code count} more are done or the deadline passes. */
  private static void runCycles(ExecutorService workers, int count, AtomicInteger done, long deadlineNanos)
      throws Exception {
    AtomicInteger left = new AtomicInteger(count);
    List<CompletableFuture<Void>> streams = new ArrayList<>();
    for (int n = 0; n < NODES; n++) {
      int node = n;
      streams.add(CompletableFuture.runAsync(() -> {
        try {
          for (int cycle; (cycle = left.getAndDecrement()) > 0 && System.nanoTime() < deadlineNanos; ) {
            boolean asNative = cycle % NATIVE_EVERY == 0;
            String name = asNative ? "cycle" : "cyclefn";
            RunResponse run = asNative ? deployEcho(node, name, "echo.cycle." + node)
                : deployFunction(node, name, "fn.cycle." + node);
            Envelope stopped = client.stop("default", ids.get(node), run.id(), name);
            if (stopped.failed()) {
              throw new AssertionError("stop refused: " + stopped.error());
            }
            done.incrementAndGet();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, workers));
    }
    CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(15, TimeUnit.MINUTES);
  }

  /** Live heap after a full GC (KiB), thread count and open files of a node's JVM. */
  private static long[] footprint(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    Process info = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
        .start();
    String heap = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    info.waitFor();
    Matcher used = HEAP_USED.matcher(heap);
    long usedKib = 0;
    while (used.find()) {
      usedKib += Long.parseLong(used.group(1));
    }
    assertThat(usedKib).as(heap).isPositive();
    long threads = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("Threads:")).mapToLong(l -> Long.parseLong(l.substring(8).trim())).findFirst()
        .orElseThrow();
    long fds;
    try (Stream<Path> open = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = open.count();
    }
    return new long[] {usedKib, threads, fds};
  }
}
