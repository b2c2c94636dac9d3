package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nex.node.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup limits hold against a fork bomb, a memory hog and a CPU hog, with vcpu_count 1 and 64 MiB. */
class NamespaceLimitsTest {
  @TempDir Path dir;
  private Greeter internalServer;
  private SandboxHarness sandboxes;

  @BeforeAll
  static void hostCanRunThem() {
    SandboxHarness.assumeHostCanRunNamespaceSandboxes();
  }

  @BeforeEach
  void start() throws Exception {
    internalServer = Greeter.onLoopback("internal-server");
    sandboxes = SandboxHarness.open(dir, List.of());
  }

  @AfterEach
  void stop() throws Exception {
    sandboxes.close();
    internalServer.close();
  }

  @Test
  void forkBombStopsAtThePidsLimitAndTheHostStillForks() throws Exception {
    SandboxSpec spec = sandboxes.spec(SandboxHarness.SMALL, internalServer.port());
    // the sleep keeps the sandbox's main process alive whatever the bomb does. The bomb starts in
    // one subshell, the main shell's last fork: dash exits when a fork fails, and starting the
    // bomb from the main shell (a pipeline, two forks) had its second fork refused whenever the
    // first child filled the pids limit before it, on a loaded machine
    NamespaceSandbox sandbox = sandboxes.start(spec, "sleep 60 & (bomb() { bomb | bomb & }; bomb) & wait");
    Path pids = SandboxHarness.cgroupDirWith(sandbox, "pids.current");

    long peak = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long settleUntil = Long.MAX_VALUE;
    while (System.nanoTime() < Math.min(deadline, settleUntil)) {
      peak = Math.max(peak, readLong(pids.resolve("pids.current")));
      if (settleUntil == Long.MAX_VALUE && refusedForks(pids) > 0) {
        settleUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
      }
      Thread.sleep(10);
    }

    assertThat(refusedForks(pids)).as("forks refused by pids.max").isPositive();
    assertThat(peak).isLessThanOrEqualTo(CgroupLimits.DEFAULT_PIDS);
    assertThat(sandbox.isAlive()).isTrue();
    Process hostFork = new ProcessBuilder("true").start();
    assertThat(hostFork.waitFor()).as("the host can still fork").isZero();
    sandboxes.destroyAndCheck(sandbox, spec);
  }

  @Test
  void memoryHogIsKilledByTheMemoryLimitAndThatIsVisible() throws Exception {
    SandboxSpec spec = sandboxes.spec(SandboxHarness.SMALL, internalServer.port());
    // /dev/zero has no newlines: tail keeps all of it
    NamespaceSandbox sandbox = sandboxes.start(spec, "head -c 1G /dev/zero | tail; echo \"hog exit $?\"");

    assertThat(SandboxHarness.awaitExit(sandbox, Duration.ofSeconds(20))).isZero();
    assertThat(SandboxHarness.output(spec)).contains("hog exit 137");
    assertThat(sandbox.memoryLimitKills()).isPositive();
    sandboxes.destroyAndCheck(sandbox, spec);
    assertThat(sandbox.memoryLimitKills()).as("still known after destroy").isPositive();
  }

  @Test
  void sandboxWithinItsMemoryLimitReportsNoKills() throws Exception {
    SandboxSpec spec = sandboxes.spec(SandboxHarness.SMALL, internalServer.port());
    NamespaceSandbox sandbox = sandboxes.start(spec, "head -c 16M /dev/zero | tail | wc -c");

    assertThat(SandboxHarness.awaitExit(sandbox, Duration.ofSeconds(20))).isZero();
    assertThat(SandboxHarness.output(spec).trim()).isEqualTo(Integer.toString(16 * 1024 * 1024));
    assertThat(sandbox.memoryLimitKills()).isZero();
    sandboxes.destroyAndCheck(sandbox, spec);
  }

  @Test
  void cpuHogIsThrottledToItsVcpuCount() throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: nothing to throttle down to");
    SandboxSpec spec = sandboxes.spec(SandboxHarness.SMALL, internalServer.port());
    NamespaceSandbox sandbox = sandboxes.start(spec, "for i in 1 2 3; do (while :; do :; done) & done; wait");
    Path procs = sandbox.cgroup().procsFiles().get(0);
    Path cpuStat = SandboxHarness.cgroupDirWith(sandbox, "cpu.stat").resolve("cpu.stat");
    Thread.sleep(300);

    long cpuBefore = cpuNanos(procs);
    long throttledBefore = throttledPeriods(cpuStat);
    long wallBefore = System.nanoTime();
    Thread.sleep(2000);
    double cores = (double) (cpuNanos(procs) - cpuBefore) / (System.nanoTime() - wallBefore);
    long throttled = throttledPeriods(cpuStat) - throttledBefore;

    System.out.printf("CPU hog with vcpu_count 1 used %.2f cores, throttled in %d periods (3 busy loops, %d host CPUs)%n",
        cores, throttled, Runtime.getRuntime().availableProcessors());
    // a busy host (shared build machines) may give the hog less than its quota, so no lower bound near 1
    assertThat(cores).isBetween(0.1, 1.1);
    assertThat(quota(cpuStat.getParent())).isEqualTo(CgroupLimits.CPU_PERIOD_MICROS);
    sandboxes.destroyAndCheck(sandbox, spec);
  }

  /** Time on CPU of everything in the cgroup, from each process's schedstat (nanoseconds). */
  private static long cpuNanos(Path procs) throws IOException {
    long total = 0;
    for (String pid : Files.readAllLines(procs)) {
      try {
        total += Long.parseLong(Files.readString(Path.of("/proc", pid, "schedstat")).split(" ")[0]);
      } catch (IOException gone) {
        // exited between the two reads
      }
    }
    return total;
  }

  /** The CPU time allowed per period, v1 or v2. */
  private static long quota(Path cpuDir) throws IOException {
    Path v1 = cpuDir.resolve("cpu.cfs_quota_us");
    return Files.exists(v1) ? readLong(v1) : Long.parseLong(Files.readString(cpuDir.resolve("cpu.max")).split(" ")[0]);
  }

  private static long throttledPeriods(Path cpuStat) throws IOException {
    return Files.readAllLines(cpuStat).stream()
        .filter(line -> line.startsWith("nr_throttled "))
        .mapToLong(line -> Long.parseLong(line.substring("nr_throttled ".length()).trim()))
        .sum();
  }

  private static long refusedForks(Path pids) throws IOException {
    return Files.readAllLines(pids.resolve("pids.events")).stream()
        .filter(line -> line.startsWith("max "))
        .mapToLong(line -> Long.parseLong(line.substring(4).trim()))
        .sum();
  }

  private static long readLong(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }
}
