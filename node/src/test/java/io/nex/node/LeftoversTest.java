package io.nex.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.node.sandbox.ProcessTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cleanup after a killed node kills only what provably was that node's. */
class LeftoversTest {
  @TempDir Path dir;

  private Process sleepIn(Path cwd) throws Exception {
    Files.createDirectories(cwd);
    return new ProcessBuilder("sleep", "600").directory(cwd.toFile()).start();
  }

  @Test
  void killsProcessesWorkingInTheDeadNodesSandboxesAndRemovesItsDirectory() throws Exception {
    Path workDir = dir.resolve("nodes/NDEAD");
    Process stray = sleepIn(workDir.resolve("sandboxes/abc"));
    Process elsewhere = sleepIn(dir.resolve("elsewhere"));
    try {
      assertThat(ProcessTable.workingIn(workDir)).extracting(ProcessHandle::pid).containsExactly(stray.pid());
      Leftovers.Cleaned cleaned = Leftovers.clean(new RunState(1, 1, workDir.toString(), 0, 0));
      assertThat(stray.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(cleaned.processes()).isEqualTo(1);
      assertThat(cleaned.sandboxDirs()).isEqualTo(1);
      assertThat(cleaned.servers()).isZero();
      assertThat(workDir).doesNotExist();
      assertThat(elsewhere.isAlive()).isTrue();
    } finally {
      stray.destroyForcibly();
      elsewhere.destroyForcibly();
    }
  }

  @Test
  void aRecordedServerPidIsOnlyKilledWhenStartTimeAndCommandLineMatch() throws Exception {
    Path workDir = dir.resolve("nodes/NDEAD");
    Process stranger = sleepIn(dir.resolve("elsewhere"));
    try {
      long start = ProcessTable.startTime(stranger.pid()).orElseThrow();
      // same pid, other start time: the pid was reused by someone else
      Leftovers.clean(new RunState(1, 1, workDir.toString(), stranger.pid(), start + 1));
      // same pid and start time, but not a nats-server of ours
      Leftovers.Cleaned cleaned = Leftovers.clean(new RunState(1, 1, workDir.toString(), stranger.pid(), start));
      assertThat(cleaned.servers()).isZero();
      assertThat(stranger.isAlive()).isTrue();
    } finally {
      stranger.destroyForcibly();
    }
  }

  @Test
  void runStateRoundTripsAndKnowsItsOwnNodeIsAlive() throws Exception {
    Path file = dir.resolve(RunState.FILE_NAME);
    RunState mine = RunState.of(dir.resolve("nodes/NME"), ProcessHandle.current().pid());
    mine.write(file);
    assertThat(RunState.read(file)).hasValue(mine);
    assertThat(mine.nodeAlive()).isTrue();
    assertThat(new RunState(mine.nodePid(), mine.nodeStartTime() + 1, "", 0, 0).nodeAlive()).isFalse();
    Files.writeString(file, "{not json");
    assertThat(RunState.read(file)).isEmpty();
  }
}
