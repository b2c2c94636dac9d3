package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nex.node.fs.DirectoryTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that dies without cleaning up (SIGKILL) takes its sandboxes with it: the agent reads
 * end of file and exits, and the sandbox's shell kills everything else inside, a daemonized
 * workload included. What stays is inert: empty cgroup directories, the host-side files, and
 * the sandbox's disk, still mounted on its work directory until the next node's start removes
 * it ({@link NamespaceLeftovers}, which this test uses to clean up and so checks).
 */
class NamespaceNodeKillTest {
  @TempDir Path dir;

  @BeforeAll
  static void hostCanRunThem() {
    SandboxHarness.assumeHostCanRunNamespaceSandboxes();
  }

  @Test
  void sandboxDiesWithItsNode() throws Exception {
    Process node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), NodeKilledMain.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    node.waitFor();
    String id = output.lines().filter(l -> l.startsWith("sandbox ")).findFirst()
        .orElseThrow(() -> new AssertionError("the stand-in node said:\n" + output)).substring("sandbox ".length());
    try {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(SandboxHarness.processesInCgroupsOf(id)).as("processes of the dead node's sandbox").isEmpty());
    } finally {
      Path workDir = dir.resolve("sandboxes").resolve(id);
      NamespaceLeftovers.remove(workDir);
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("the disk is unmounted")
          .doesNotContain(workDir.toString());
      assertThat(SandboxDisk.imageOf(workDir)).doesNotExist();
      DirectoryTree.delete(workDir);
      try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("nex-" + id))).isEmpty();
      }
    }
  }
}
