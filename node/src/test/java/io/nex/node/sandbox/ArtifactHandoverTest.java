package io.nex.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nex.api.agent.AgentDeployRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node writes each workload's file into its sandbox; nothing already there may redirect that write. */
class ArtifactHandoverTest {
  @TempDir
  Path dir;
  private Path workDir;
  private ChildProcessSandbox sandbox;

  @BeforeEach
  void start() throws IOException {
    workDir = Files.createDirectory(dir.resolve("sandbox"));
    Process agent = new ProcessBuilder("sleep", "30").directory(workDir.toFile()).start();
    sandbox = new ChildProcessSandbox("test", agent, workDir, () -> { });
  }

  @AfterEach
  void stop() {
    sandbox.destroy();
  }

  @Test
  void writesANewFileTheAgentMayRunAndOthersMayNotRead() throws IOException {
    try (WritableByteChannel out = sandbox.createArtifact()) {
      out.write(ByteBuffer.wrap("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8)));
    }
    Path file = workDir.resolve("workload");
    assertThat(sandbox.workFile(AgentDeployRequest.ARTIFACT_FILE)).isEqualTo(file);
    assertThat(Files.readString(file)).isEqualTo("#!/bin/sh\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
  }

  @Test
  void refusesToWriteThroughALinkLeftInTheSandbox() throws IOException {
    Path elsewhere = Files.writeString(dir.resolve("node-file"), "precious");
    Files.createSymbolicLink(workDir.resolve("workload"), elsewhere);
    assertThatThrownBy(sandbox::createArtifact).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(elsewhere)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(workDir.resolve("workload"))).isTrue();
  }

  @Test
  void refusesToReplaceAFileAlreadyThere() throws IOException {
    Files.writeString(workDir.resolve("workload"), "first");
    assertThatThrownBy(sandbox::createArtifact).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(workDir.resolve("workload"), StandardCharsets.UTF_8)).isEqualTo("first");
  }
}
