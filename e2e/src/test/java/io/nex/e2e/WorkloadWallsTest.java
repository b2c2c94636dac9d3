package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.control.RunResponse;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's sandbox walls, tried from inside a namespace-sandboxed native workload (a shell
 * script, as an attacker would): its agent's seed and process, a new user namespace, a disk
 * filled past its size, disk I/O and network sending past the node's rate limits. Each attempt is refused or contained,
 * and a function the node runs meanwhile keeps answering. One node for all of them.
 */
class WorkloadWallsTest {
  private static final int DISK_MIB = 48;
  private static final int IOPS = 40;
  /** rate_limiters.bandwidth: 2 MiB per 250 ms, 8 MiB/s. */
  private static final int BUCKET_BYTES = 2 * 1024 * 1024;
  private static final int REFILL_MILLIS = 250;

  @TempDir static Path dir;
  static OneNode one;
  static String functionId;

  @BeforeAll
  static void start() throws Exception {
    NamespaceSandboxes.assumeAvailable();
    one = OneNode.start(dir, client -> "\"machine_pool_size\": 2, \"sandbox\": \"namespace\", "
        + "\"machine_template\": {\"memsize_mib\": 192, \"disk_mib\": " + DISK_MIB + "}, "
        + "\"rate_limiters\": {\"iops\": {\"size\": " + IOPS + ", \"refill_time\": 1000, \"one_time_burst\": 0}, "
        + "\"bandwidth\": {\"size\": " + BUCKET_BYTES + ", \"refill_time\": " + REFILL_MILLIS
        + ", \"one_time_burst\": 0}}", 2,
        Duration.ofSeconds(60));
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    Path script = Path.of(System.getProperty("echo.js"));
    Envelope reply = client.deploy("default", nodeId, client.functionRequest("wallsfn", "javascript",
        client.upload("wallsfn", script), DeployClient.sha256(script), nodeId, List.of("walls.fn")));
    assertThat(reply.error()).as(one.node().log()).isNull();
    functionId = reply.dataAs(RunResponse.class).id();
  }

  @AfterAll
  static void stop() throws Exception {
    if (one != null) {
      Matcher started = Pattern.compile("Sandbox started kind=namespace vmid=([0-9a-v]{20})").matcher(one.node().log());
      List<String> ids = new java.util.ArrayList<>();
      while (started.find()) {
        ids.add(started.group(1));
      }
      one.node().signal("TERM");
      assertThat(one.node().awaitExit(Duration.ofSeconds(20))).isZero();
      for (String id : ids) {
        // blkio (v1) joined for the rate limits: gone with the rest
        assertThat(Path.of("/sys/fs/cgroup/blkio/nex", id)).doesNotExist();
        assertThat(Path.of("/sys/fs/cgroup/nex", id)).doesNotExist();
      }
      assertThat(diskImages()).as("disk images left behind").isEmpty();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(one.resources().toString());
      one.close();
    }
  }

  @Test
  void theAgentsSeedAndProcessAreOutOfTheWorkloadsReach() throws Exception {
    String out = attempt("seed", String.join("\n",
        // the agent JVM: the process whose program is java and whose arguments name the agent
        "for p in /proc/[0-9]*; do case \"$(tr '\\0' '\\n' < $p/cmdline 2>/dev/null | head -1)\" in */java)",
        "  grep -q -a io.nex.agent.AgentMain $p/cmdline && agent=${p#/proc/};; esac; done",
        "echo agent=$agent uid=$(id -u) agent_uid=$(stat -c %u /proc/$agent)",
        "cat /proc/$agent/environ && echo ESCAPE read-agent-environ",
        "grep -a -s NEX_NODE_NATS_NKEY_SEED /proc/[0-9]*/environ && echo ESCAPE found-a-seed",
        "head -c 1 /proc/$agent/mem && echo ESCAPE read-agent-memory",
        "kill -0 $agent && echo ESCAPE signal-agent",
        "kill -STOP $agent && echo ESCAPE stop-agent",
        "echo x > ../planted && echo ESCAPE write-agent-dir",
        "grep CapEff /proc/self/status"));

    Matcher ids = Pattern.compile("agent=(\\d+) uid=(\\d+) agent_uid=(\\d+)").matcher(out);
    assertThat(ids.find()).as(out).isTrue();
    assertThat(ids.group(2)).as("the workload's uid is not its agent's").isNotEqualTo(ids.group(3));
    assertThat(out).doesNotContain("ESCAPE").doesNotContainPattern("SU[A-Z2-7]{40}")
        .containsPattern("CapEff:\\s+0+\\n");
  }

  @Test
  void aNewUserNamespaceIsRefused() throws Exception {
    String out = attempt("userns", String.join("\n",
        "unshare -Ur id && echo ESCAPE unshare-Ur",
        "unshare -U true && echo ESCAPE unshare-U",
        "grep Seccomp: /proc/self/status"));

    assertThat(out).doesNotContain("ESCAPE").contains("Operation not permitted")
        .containsPattern("Seccomp:\\s+2"); // 2: a filter is loaded
  }

  @Test
  void fillingTheDiskFailsTheWorkloadsWritesNotTheHosts() throws Exception {
    String out = attempt("fill", String.join("\n",
        "echo size_kib=$(df -k . | tail -1 | tr -s ' ' | cut -d' ' -f2)",
        "dd if=/dev/zero of=big bs=1M count=" + (DISK_MIB * 4) + " 2>&1 | grep -e 'No space' -e copied",
        "sync; echo written_kib=$(du -k big | cut -f1)",
        "head -c 8388608 /dev/zero > more || echo FULL"));

    long sizeKib = Long.parseLong(value(out, "size_kib"));
    assertThat(sizeKib).as(out).isBetween(DISK_MIB * 1024L * 8 / 10, DISK_MIB * 1024L);
    assertThat(out).contains("No space left on device", "FULL");
    assertThat(Long.parseLong(value(out, "written_kib"))).isLessThanOrEqualTo(sizeKib);
    // the host's file system holds at most the disk's size for the sandbox
    for (Path image : diskImages()) {
      assertThat(allocatedBytes(image)).isLessThanOrEqualTo(DISK_MIB * 1024L * 1024L);
    }
  }

  @Test
  void ioPastTheRateLimitIsSlowedToIt() throws Exception {
    int writes = IOPS * 2;
    String out = attempt("iops", String.join("\n",
        "start=$(date +%s%N)",
        "dd if=/dev/zero of=direct bs=4k count=" + writes + " oflag=direct 2>/dev/null || echo DD-FAILED",
        "echo elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))"));

    long elapsed = Long.parseLong(value(out, "elapsed_ms"));
    System.out.printf("%d direct 4 KiB writes at %d IOPS took %d ms%n", writes, IOPS, elapsed);
    assertThat(out).doesNotContain("DD-FAILED");
    // unlimited, they take tens of milliseconds; at IOPS a second about two seconds (the
    // throttle lets a first slice through, and an allocating write may cost the disk two)
    assertThat(elapsed).as("%d direct writes at %d IOPS", writes, IOPS).isGreaterThanOrEqualTo(1500);
  }

  @Test
  void sendingPastTheBandwidthLimitIsSlowedToIt() throws Exception {
    int messages = 16;
    int payload = 1_000_000;
    List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    var dispatcher = one.connection().createDispatcher(m -> arrivals.add(System.nanoTime()));
    dispatcher.subscribe("walls.bw");
    one.connection().flush(Duration.ofSeconds(5));
    try {
      // NATS spoken by hand: 16 messages of 1 MB to the control plane, as fast as the shell can
      String out = attempt("bandwidth", Map.of("NATS_URL", one.controlPlane().url()), String.join("\n",
          "port=${NATS_URL##*:}",
          "{ printf 'CONNECT {\"verbose\":false}\\r\\n'; i=0; while [ $i -lt " + messages + " ]; do",
          "  printf 'PUB walls.bw " + payload + "\\r\\n'; head -c " + payload + " /dev/zero; printf '\\r\\n';",
          "  i=$((i + 1)); done; } | socat -t 30 - TCP:127.0.0.1:$port,connect-timeout=5 >/dev/null || echo SOCAT-FAILED"));
      assertThat(out).doesNotContain("SOCAT-FAILED");
      await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.size() == messages);
    } finally {
      dispatcher.unsubscribe("walls.bw");
    }
    long spanMillis = (arrivals.get(messages - 1) - arrivals.get(0)) / 1_000_000;
    System.out.printf("%d MB sent at %d MiB/s: first to last message %d ms%n", messages * payload / 1_000_000,
        BUCKET_BYTES * (1000 / REFILL_MILLIS) / (1024 * 1024), spanMillis);
    // 15 MB after the first message at 8 MiB/s is about 1.8 s; unlimited, a fraction of a second
    assertThat(spanMillis).isGreaterThanOrEqualTo(1200);
  }

  /**
   * Deploys {@code body} as a native workload, waits for it to finish, and returns what it
   * printed; the node's function must answer meanwhile and afterwards.
   */
  private static String attempt(String name, String body) throws Exception {
    return attempt(name, Map.of(), body);
  }

  private static String attempt(String name, Map<String, String> env, String body) throws Exception {
    Path script = dir.resolve(name + ".sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\necho DONE\nexec sleep 600\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    DeployClient client = one.client();
    String nodeId = one.node().nodeId();
    try (EventRecorder recorder = new EventRecorder(one.connection())) {
      String location = client.upload(name, script);
      String xkey = client.nodeXkey("default", nodeId);
      Envelope reply;
      // on a loaded machine the pool may still be refilling after the previous attempt: try again
      for (int tries = 1; ; tries++) {
        reply = client.deploy("default", nodeId, client.request(name, "native", location, DeployClient.sha256(script),
            env, nodeId, xkey, List.of()));
        if (reply.error() == null || !String.valueOf(reply.error()).contains("no warm sandbox") || tries == 6) {
          break;
        }
      }
      assertThat(reply.error()).as(one.node().log()).isNull();
      String id = reply.dataAs(RunResponse.class).id();
      try {
        String logs = "$NEX.logs.default." + nodeId + "." + name;
        functionAnswers();
        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.any(logs, "DONE"));
        functionAnswers();
        StringBuilder out = new StringBuilder();
        for (var message : recorder.on(logs)) {
          out.append(Json.mapper().readTree(message.body()).path("text").asText()).append('\n');
        }
        return out.toString();
      } finally {
        client.stop("default", nodeId, id, name);
      }
    }
  }

  private static void functionAnswers() throws Exception {
    byte[] answer = one.connection().request("walls.fn", "still here".getBytes(), Duration.ofSeconds(10)).getData();
    assertThat(new String(answer)).isEqualTo("\"still here\"");
  }

  private static String value(String out, String key) {
    Matcher m = Pattern.compile(key + "=(\\d+)").matcher(out);
    assertThat(m.find()).as("%s in:\n%s", key, out).isTrue();
    return m.group(1);
  }

  private static List<Path> diskImages() throws Exception {
    try (Stream<Path> files = Files.walk(one.resources())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".disk")).toList();
    }
  }

  private static long allocatedBytes(Path file) throws Exception {
    Process du = new ProcessBuilder("du", "-B1", file.toString()).start();
    String out = new String(du.getInputStream().readAllBytes()).trim();
    du.waitFor();
    return out.isEmpty() ? 0 : Long.parseLong(out.split("\\s+")[0]);
  }
}
