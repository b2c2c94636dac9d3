package io.nex.node.sandbox.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyViewTest {
  @TempDir Path dir;

  @Test
  void bindsTheJdkTheTargetsOfItsOutwardLinksAndTheLaunchedFilesButNothingUnderUsrTwice() throws Exception {
    Path jdk = Files.createDirectories(dir.resolve("jdk"));
    Path config = Files.writeString(dir.resolve("etc-java.security"), "x");
    Files.createDirectories(jdk.resolve("conf"));
    Files.createSymbolicLink(jdk.resolve("conf/java.security"), config);
    Files.createSymbolicLink(jdk.resolve("inside"), jdk.resolve("conf"));
    Path jar = Files.writeString(dir.resolve("agent.jar"), "jar");

    String args = String.join(" ",
        plan(ReadOnlyView.of(jdk, List.of(jar, Path.of("/usr/bin/socat"), dir.resolve("missing.jar")))));

    assertThat(args).contains("--ro-bind /usr /usr", "--ro-bind " + jdk + " " + jdk,
        "--ro-bind " + config + " " + config, "--ro-bind " + jar + " " + jar)
        .doesNotContain("/usr/bin/socat", "missing.jar", "--ro-bind /root ", "--ro-bind /home");
  }

  private static List<String> plan(ReadOnlyView view) {
    MountPlan plan = new MountPlan();
    view.addTo(plan);
    return plan.args();
  }
}
