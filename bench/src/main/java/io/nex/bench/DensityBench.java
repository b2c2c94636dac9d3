package io.nex.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.control.RunResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import io.nex.testkit.ControlPlaneServer;
import io.nex.testkit.DeployClient;
import io.nex.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Function hosts at density: {@code density.wasm} WASM handler functions (default 1,000) and
 * {@code density.js} JavaScript functions (default 200) of {@value #TENANTS} tenants on one node,
 * deployed one after another; then what they cost (PSS of the node and everything under it) and
 * how fast they deploy and answer. A deploy "into a running host" is one that started no host
 * (the node logs each one it starts); every function of one language shares one artifact, so
 * those deploys compile nothing.
 */
final class DensityBench {
  private static final int TENANTS = 4;
  /** {@code functions_per_host} for the node, when given; else the node's default. */
  private static final String PER_HOST = System.getProperty("density.per_host");
  /** With tracing on, the node's spans of the deploys tell where their time goes (and tracing's cost is in every figure). */
  private static final boolean TRACED = Boolean.getBoolean("density.traced");
  private static final int REDEPLOYS = 50;
  private static final String NEW_HOST = "Function host started";
  private static final int SEQUENTIAL = 2000;
  private static final int IN_FLIGHT = Integer.getInteger("density.inflight", 64);
  private static final Duration WINDOW = Duration.ofSeconds(5);
  /** The random trigger's throughput and raw's are measured in turns, this many slices of the window each. */
  private static final int SLICES = 10;

  private DensityBench() {}

  private record Deployed(String subject, String id, String name, DeployClient tenant) {}

  static void run(String sandbox) throws Exception {
    int wasmCount = Integer.getInteger("density.wasm", 1000);
    int jsCount = Integer.getInteger("density.js", 200);
    Path dir = Scratch.dir("nex-bench-density");
    Path res = dir.resolve("node");
    try (ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
        Connection nc = Nats.connect(controlPlane.url());
        NodeProcess node = NodeProcess.start(res, controlPlane.url(), NodeProcess.config(res,
            "\"machine_pool_size\": 2, \"sandbox\": \"" + sandbox + "\""
                + (PER_HOST == null ? "" : ", \"functions_per_host\": " + Integer.parseInt(PER_HOST))
                + (TRACED ? ", \"otel_traces\": true, \"otel_traces_exporter\": \"file\"" : "")))) {
      node.awaitLog("Received agent handshake", 2, Duration.ofSeconds(60));
      Thread.sleep(2000); // the warm agents warm their deploy path
      List<DeployClient> tenants = new ArrayList<>();
      for (int t = 0; t < TENANTS; t++) {
        tenants.add(new DeployClient(nc, NKeyPair.create(KeyType.ACCOUNT), XKeyPair.create()));
      }
      Map<String, Long> announced = new ConcurrentHashMap<>();
      Dispatcher events = nc.createDispatcher(msg -> {
        try {
          announced.put(Json.mapper().readTree(msg.getData()).get("data").get("id").asText(), System.nanoTime());
        } catch (Exception e) {
          // not an event of ours
        }
      });
      events.subscribe("$NEX.events.default.workload_deployed");
      Dispatcher plain = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), msg.getData()));
      plain.subscribe("bench.plain");
      nc.flush(Duration.ofSeconds(2));

      System.out.println("\n== density (sandbox=" + sandbox + "): " + wasmCount + " WASM handler + " + jsCount
          + " JavaScript echo functions, " + TENANTS + " tenants, functions_per_host "
          + (PER_HOST == null ? "the node's default" : PER_HOST)
          + ", deployed one at a time; PSS of the node and all its descendants");
      long baseline = treePss(node.pid());
      Phase wasm = deployAll(node, tenants, announced, "wasm", Path.of(System.getProperty("echo.wasm")), wasmCount);
      long afterWasm = treePss(node.pid());
      Phase js = deployAll(node, tenants, announced, "javascript", Path.of(System.getProperty("echo.js")), jsCount);
      Thread.sleep(2000); // the last host's replacement agent settles
      long afterJs = treePss(node.pid());
      List<Deployed> running = new ArrayList<>(wasm.deployed);
      running.addAll(js.deployed);
      System.out.printf("functions running: %d (wasm %d, javascript %d) in %d function hosts (%d wasm);"
          + " processes under the node: %d%n", running.size(), wasm.deployed.size(), js.deployed.size(),
          wasm.newHost.size() + js.newHost.size(), wasm.newHost.size(),
          ProcessHandle.of(node.pid()).orElseThrow().descendants().count());
      System.out.printf("PSS total: %.1f MiB (node + warm agents before any deploy: %.1f MiB)%n", afterJs / 1024.0,
          baseline / 1024.0);
      System.out.printf("marginal PSS per function: wasm %.2f MiB, javascript %.2f MiB (hosts and their agents"
          + " included)%n", (afterWasm - baseline) / 1024.0 / Math.max(1, wasmCount),
          (afterJs - afterWasm) / 1024.0 / Math.max(1, jsCount));
      System.out.printf("%-40s %9s %9s %9s%n", "deploy into a running host, ms", "p50", "p99", "count");
      for (Phase phase : List.of(wasm, js)) {
        print(phase.type + ": -> run_response", new Stats(phase.toResponse));
        print(phase.type + ": -> workload_deployed", new Stats(phase.toEvent));
        print(phase.type + ": new host, -> run_response", new Stats(phase.newHost));
      }
      // a fresh node compiles its deploy path while it deploys: the later half shows a warmer one
      for (Phase phase : List.of(wasm, js)) {
        List<Double> later = phase.toResponse.subList(phase.toResponse.size() / 2, phase.toResponse.size());
        print(phase.type + ": -> run_response, later half", new Stats(later));
      }
      System.out.printf("the node's JIT compilers while deploying: wasm %.0f%%, javascript %.0f%% of a core%n",
          100 * wasm.nodeCompiling, 100 * js.nodeCompiling);
      if (TRACED) {
        Thread.sleep(6000); // the exporter writes its batches every 5 s
        DeploySteps.print(res.resolve("traces.jsonl"));
      }
      print("wasm: redeploy of the same hash", redeploy(node, wasm.deployed));

      CpuTime idle = CpuTime.of(node.pid());
      Thread.sleep(WINDOW.toMillis());
      System.out.println("CPU with every function deployed and no trigger: " + idle.cores(WINDOW.toSeconds()));
      List<String> wasmSubjects = wasm.deployed.stream().map(Deployed::subject).toList();
      if (wasmSubjects.isEmpty()) {
        return; // nothing to trigger
      }
      List<Supplier<String>> rawAndRandom = List.of(() -> "bench.plain", () -> random(wasmSubjects));
      System.out.println(WarmUp.untilCompiled(node.pid(),
          round -> Throughput.inTurns(nc, rawAndRandom, IN_FLIGHT, 2, round.dividedBy(4))));
      Stats[] turns = inTurns(nc, wasmSubjects);
      CpuTime cpu = CpuTime.of(node.pid());
      Throughput.Turns inTurns = Throughput.inTurns(nc, rawAndRandom, IN_FLIGHT, SLICES, WINDOW.dividedBy(SLICES));
      String cpuPerCall = cpu.perCall(inTurns.answered()[1]);
      double rate = inTurns.rates()[1];
      double rawRate = inTurns.rates()[0];
      System.out.printf("trigger a random one of the %d wasm functions: p50 %.3f ms (raw %.3f ms, %.1fx), p99 %.3f ms;"
          + " %.0f req/s with %d in flight = %.0f%% of raw (%.0f req/s, taking turns)%n", wasmSubjects.size(), turns[1].median(),
          turns[0].median(), turns[1].median() / turns[0].median(), turns[1].percentile(99), rate, IN_FLIGHT,
          100 * rate / rawRate, rawRate);
      System.out.println("CPU per call while taking turns with raw: " + cpuPerCall);
    }
  }

  private static final class Phase {
    final String type;
    final List<Deployed> deployed = new ArrayList<>();
    final List<Double> toResponse = new ArrayList<>();
    final List<Double> toEvent = new ArrayList<>();
    final List<Double> newHost = new ArrayList<>();
    /** The node's own JIT compilers over the phase, as a share of one core. */
    double nodeCompiling;

    Phase(String type) {
      this.type = type;
    }
  }

  /** A deploy went into a running host unless the node's log tells of a new host meanwhile. */
  private static Phase deployAll(NodeProcess node, List<DeployClient> tenants, Map<String, Long> announced,
      String type, Path artifact, int count) throws Exception {
    Phase phase = new Phase(type);
    String sha256 = DeployClient.sha256(artifact);
    List<String> locations = new ArrayList<>();
    for (DeployClient tenant : tenants) {
      locations.add(tenant.upload("density-" + type, artifact));
    }
    long hosts = node.count(NEW_HOST);
    long compileTicks = WarmUp.compilerTicksOf(node.pid());
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int t = i % TENANTS;
      DeployClient tenant = tenants.get(t);
      String name = type.charAt(0) + Integer.toString(i);
      String subject = "density." + name;
      // signed before the clock starts, as DeployBench does: what is timed is the node's answer
      var request = tenant.functionRequest(name, type, locations.get(t), sha256, node.nodeId(), List.of(subject));
      long sent = System.nanoTime();
      Envelope reply = tenant.deploy("default", node.nodeId(), request);
      long answered = System.nanoTime();
      if (reply.failed()) {
        throw new IllegalStateException("deploy " + name + " failed: " + reply.error());
      }
      RunResponse run = reply.dataAs(RunResponse.class);
      phase.deployed.add(new Deployed(subject, run.id(), name, tenant));
      long hostsNow = node.count(NEW_HOST);
      boolean intoRunningHost = hostsNow == hosts;
      hosts = hostsNow;
      if (!intoRunningHost) {
        phase.newHost.add((answered - sent) / 1e6);
        continue;
      }
      phase.toResponse.add((answered - sent) / 1e6);
      Long event = awaitEvent(announced, run.id());
      phase.toEvent.add((event - sent) / 1e6);
    }
    phase.nodeCompiling = CpuTime.shareOfCore(WarmUp.compilerTicksOf(node.pid()) - compileTicks,
        (System.nanoTime() - started) / 1e9);
    return phase;
  }

  /** Stops {@value #REDEPLOYS} functions and deploys each again: its host holds the artifact compiled. */
  private static Stats redeploy(NodeProcess node, List<Deployed> deployed) throws Exception {
    List<Double> samples = new ArrayList<>();
    Path artifact = Path.of(System.getProperty("echo.wasm"));
    String sha256 = DeployClient.sha256(artifact);
    for (int i = 0; i < Math.min(REDEPLOYS, deployed.size()); i++) {
      // the first ones: each lives in a full host, so its slot is the only free one there
      Deployed d = deployed.get(i);
      d.tenant().stop("default", node.nodeId(), d.id(), d.name());
      // uploaded again, as a user redeploying would, but before the clock starts: what is timed is the deploy
      String location = d.tenant().upload("density-wasm", artifact);
      var request = d.tenant().functionRequest(d.name(), "wasm", location, sha256, node.nodeId(), List.of(d.subject()));
      long sent = System.nanoTime();
      Envelope reply = d.tenant().deploy("default", node.nodeId(), request);
      samples.add((System.nanoTime() - sent) / 1e6);
      if (reply.failed()) {
        throw new IllegalStateException("redeploy " + d.name() + " failed: " + reply.error());
      }
      deployed.set(i, new Deployed(d.subject(), reply.dataAs(RunResponse.class).id(), d.name(), d.tenant()));
    }
    return new Stats(samples);
  }

  private static Long awaitEvent(Map<String, Long> announced, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Long at = announced.get(id); ; at = announced.get(id)) {
      if (at != null) {
        return at;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no workload_deployed for " + id);
      }
      Thread.onSpinWait();
    }
  }

  /** Raw requests and requests to a random function, taking turns, after 300 rounds of warm-up. */
  private static Stats[] inTurns(Connection nc, List<String> subjects) throws InterruptedException {
    byte[] payload = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    List<Double> raw = new ArrayList<>();
    List<Double> function = new ArrayList<>();
    for (int i = 0; i < SEQUENTIAL + 300; i++) {
      for (List<Double> samples : List.of(raw, function)) {
        String subject = samples == raw ? "bench.plain" : random(subjects);
        long start = System.nanoTime();
        if (nc.request(subject, payload, Duration.ofSeconds(5)) == null) {
          throw new IllegalStateException("no reply on " + subject);
        }
        if (i >= 300) {
          samples.add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return new Stats[] {new Stats(raw), new Stats(function)};
  }

  private static String random(List<String> subjects) {
    return subjects.get(ThreadLocalRandom.current().nextInt(subjects.size()));
  }

  private static long treePss(long pid) {
    ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
    long total = AgentMemory.pss(pid);
    for (ProcessHandle p : root.descendants().toList()) {
      long pss = AgentMemory.pss(p.pid());
      total += Math.max(0, pss);
    }
    return total;
  }

  private static void print(String label, Stats s) {
    System.out.printf("%-40s %9.2f %9.2f %9d%n", label, s.median(), s.percentile(99), s.count());
  }
}
