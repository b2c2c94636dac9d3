package io.nex.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nex.node.config.NodeConfigLoader;
import io.nex.node.sandbox.firecracker.HostKvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured firecracker sandbox that cannot run stops the node with one line naming what is missing. */
class SandboxDriversFirecrackerTest {
  @TempDir Path dir;

  @Test
  void refusesWithoutTheBinary() throws Exception {
    assumeTrue(Stream.of(System.getenv("PATH").split(":"), new String[] {"/usr/local/bin", "/usr/bin", "/usr/sbin"})
        .flatMap(Stream::of).noneMatch(d -> Files.isExecutable(Path.of(d, "firecracker"))), "firecracker is installed");
    NodeStartException refused = assertThrows(NodeStartException.class, () -> SandboxDrivers.choose(
        NodeConfigLoader.parse("{\"sandbox\": \"firecracker\"}".getBytes(StandardCharsets.UTF_8)), "nats://127.0.0.1:4222"));
    assertEquals("sandbox \"firecracker\" cannot run here: firecracker not found in bin_path or PATH"
        + " (see nex node preflight)", refused.getMessage());
  }

  @Test
  void refusesWithoutHardwareKvmEvenWithTheBinary() throws Exception {
    assumeTrue(HostKvm.unusableReason().isPresent(), "this host has hardware KVM");
    Path binary = Files.writeString(dir.resolve("firecracker"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    NodeStartException refused = assertThrows(NodeStartException.class, () -> SandboxDrivers.choose(
        NodeConfigLoader.parse(("{\"sandbox\": \"firecracker\", \"bin_path\": [\"" + dir + "\"]}")
            .getBytes(StandardCharsets.UTF_8)), "nats://127.0.0.1:4222"));
    assertEquals("sandbox \"firecracker\" cannot run here: " + HostKvm.unusableReason().get()
        + " (see nex node preflight)", refused.getMessage());
  }
}
