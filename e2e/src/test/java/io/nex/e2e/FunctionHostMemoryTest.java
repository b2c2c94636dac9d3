package io.nex.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Message;
import io.nex.api.control.RunResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;
import io.nex.testkit.DeployClient;
import io.nex.testkit.OneNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A function host takes functions while its memory has room, as its agent reports it with each
 * add: with sandboxes of 64 MiB, an agent that has V8 loaded already holds more than the three
 * quarters a host may fill, so a tenant's second function gets a host of its own although
 * {@code functions_per_host} leaves slots.
 */
// alone: measures a host's memory, which a starved box's late GC would blur
@Isolated
class FunctionHostMemoryTest {
  @TempDir Path dir;

  @Test
  void aHostFullInMemoryTakesNoMoreFunctionsOfItsTenant() throws Exception {
    try (OneNode one = OneNode.start(dir, "\"machine_pool_size\": 2, \"functions_per_host\": 8,"
        + " \"machine_template\": {\"memsize_mib\": 64}", 2)) {
      DeployClient alice = new DeployClient(one.connection(), NKeyPair.create(KeyType.ACCOUNT), XKeyPair.create());
      Path echo = Path.of(System.getProperty("echo.wasm"));
      RunResponse first = FunctionHostTest.deploy(one, alice, "m1", "wasm", echo, "memory.m1");
      RunResponse second = FunctionHostTest.deploy(one, alice, "m2", "wasm", echo, "memory.m2");

      String firstHost = FunctionHostTest.hostOf(one, first);
      assertThat(firstHost).isNotEqualTo(FunctionHostTest.hostOf(one, second));
      assertThat(one.node().log()).contains("Function host is full in memory with 1 functions vmid=" + firstHost);
      for (String name : List.of("m1", "m2")) {
        Message reply = one.connection().request("memory." + name, name.getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(5));
        assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo(name);
      }
    }
  }
}
