package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.nex.testkit.Cli;
import io.nex.testkit.NodeProcess;
import io.nex.testkit.ProcessScan;
import io.nex.node.natsserver.NatsServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the default URL and nothing listening there, the node brings its own nats-server, and takes it away again. */
class LocalControlPlaneTest {
  @TempDir Path dir;

  @Test
  void startsALocalServerOnTheDefaultUrlAndStopsItOnExit() throws Exception {
    assumeFalse(NatsServerProcess.isListening("127.0.0.1", 4222), "something already listens on 127.0.0.1:4222");
    Path res = dir.resolve("local");
    try (NodeProcess node = NodeProcess.start(res, null, NodeProcess.config(res, ""))) {
      node.awaitLog("Received agent handshake", 1, Duration.ofSeconds(30));
      assertThat(node.log()).contains("No NATS server was listening at nats://127.0.0.1:4222; started a local nats-server");
      Cli.Result ls = Cli.run("node", "ls", "--timeout", "1s");
      assertThat(ls.stdout()).contains(node.nodeId());
      node.signal("TERM");
      assertThat(node.awaitExit(Duration.ofSeconds(15))).isZero();
    }
    assertThat(NatsServerProcess.isListening("127.0.0.1", 4222)).isFalse();
    assertThat(ProcessScan.processesMentioning(res.toString())).isEmpty();
  }
}
