package io.nex.node.preflight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nex.node.config.NodeConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preflight says plainly that the firecracker driver has never met a real Firecracker. */
class PreflightFirecrackerTest {
  @Test
  void firecrackerCheckSaysUntested() throws Exception {
    List<Check> checks = new Preflight(NodeConfigLoader.parse(
        "{\"sandbox\": \"firecracker\"}".getBytes(StandardCharsets.UTF_8))).run();
    Check firecracker = checks.stream().filter(c -> c.name().startsWith("firecracker sandbox")).findFirst().orElseThrow();
    assertEquals("firecracker sandbox (UNTESTED against a real Firecracker)", firecracker.name());
    assertTrue(firecracker.detail().startsWith("untested: only run against a stand-in of its API; "),
        firecracker.detail());
    assertTrue(firecracker.required(), "required when firecracker is the chosen sandbox");
  }
}
