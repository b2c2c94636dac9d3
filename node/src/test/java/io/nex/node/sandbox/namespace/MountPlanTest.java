package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountPlanTest {
  @Test
  void everyParentIsMadeWalkableOnceBeforeTheFirstMountBelowIt() {
    List<String> args = new MountPlan()
        .tmpfs(Path.of("/tmp"), "1777")
        .readOnly(Path.of("/real/a.jar"), Path.of("/root/.m2/a.jar"))
        .readOnly(Path.of("/real/b.jar"), Path.of("/root/.m2/b.jar"))
        .writable(Path.of("/tmp/nex/sb"), Path.of("/tmp/nex/sb"))
        .args();

    assertThat(String.join(" ", args)).isEqualTo(String.join(" ",
        "--perms 1777 --tmpfs /tmp",
        "--perms 0755 --dir /root --perms 0755 --dir /root/.m2 --ro-bind /real/a.jar /root/.m2/a.jar",
        "--ro-bind /real/b.jar /root/.m2/b.jar",
        "--perms 0755 --dir /tmp/nex --bind /tmp/nex/sb /tmp/nex/sb",
        "--remount-ro /"));
  }

  @Test
  void symlinksAndSpecialMountsCountAsPresent() {
    List<String> args = new MountPlan()
        .symlink(Path.of("usr/lib"), Path.of("/lib"))
        .dev(Path.of("/dev"))
        .tmpfs(Path.of("/dev/shm"), "1777")
        .proc(Path.of("/proc"))
        .args();

    assertThat(args).doesNotContain("--dir");
  }
}
