package io.nex.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nex.node.config.NodeConfigLoader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** rate_limiters are applied by the namespace sandbox; any other kind refuses them at start, saying so. */
class SandboxDriversRateLimitersTest {
  @Test
  void theProcessSandboxRefusesThem() throws Exception {
    NodeStartException refused = assertThrows(NodeStartException.class, () -> SandboxDrivers.choose(
        NodeConfigLoader.parse(("{\"sandbox\": \"process\", \"rate_limiters\": {\"iops\": "
            + "{\"size\": 100, \"refill_time\": 1000, \"one_time_burst\": 0}}}").getBytes(StandardCharsets.UTF_8)),
        "nats://127.0.0.1:4222"));
    assertEquals("config field \"rate_limiters\" is applied only by the namespace sandbox, and this node would run "
        + "\"process\" sandboxes (sandbox is \"process\"); remove it, or run namespace sandboxes", refused.getMessage());
  }

  @Test
  void withoutThemTheProcessSandboxStarts() throws Exception {
    assertEquals("process", SandboxDrivers.choose(NodeConfigLoader.parse(
        "{\"sandbox\": \"process\"}".getBytes(StandardCharsets.UTF_8)), "nats://127.0.0.1:4222").driver().kind());
  }
}
