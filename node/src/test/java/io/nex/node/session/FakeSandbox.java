package io.nex.node.session;

import io.nex.api.agent.AgentDeployRequest;
import io.nex.node.sandbox.Sandbox;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/** A sandbox with no process: a directory, and an exit the test decides. */
public final class FakeSandbox implements Sandbox {
  private final String id;
  private final Path workDir;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private volatile boolean destroyed;

  public FakeSandbox(String id, Path workDir) {
    this.id = id;
    this.workDir = workDir;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String describe() {
    return "fake";
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  /** The agent exits on its own. */
  public void exit(int code) {
    exit.complete(code);
  }

  @Override
  public WritableByteChannel createArtifact(String fileName) throws IOException {
    Files.createDirectories(workDir);
    return FileChannel.open(workFile(fileName), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  public Path artifact() {
    return workFile(AgentDeployRequest.ARTIFACT_FILE);
  }

  @Override
  public Path workFile(String fileName) {
    return workDir.resolve(fileName);
  }

  @Override
  public void destroy() {
    destroyed = true;
    exit.complete(137);
  }

  public boolean destroyed() {
    return destroyed;
  }
}
