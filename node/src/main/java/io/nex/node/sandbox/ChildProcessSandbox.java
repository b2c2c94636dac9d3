package io.nex.node.sandbox;

import io.nex.node.fs.DirectoryTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox whose agent is a child process of the node (directly, or under a wrapper such as
 * bwrap). Its stdin stays open for as long as the node lives: the agent exits when it reads
 * end-of-file, so even a node killed with SIGKILL leaves no agent behind. {@code afterExit} runs
 * once the process tree is gone (a driver's own cleanup, e.g. removing a cgroup).
 */
public final class ChildProcessSandbox implements Sandbox {
  private static final Logger LOG = LoggerFactory.getLogger("agent");
  private static final long GRACE_MILLIS = 2000;

  private final String id;
  private final Process process;
  private final Path workDir;
  private final CompletableFuture<Integer> exit;

  private final Runnable afterExit;
  private final Predicate<String> lineFilter;

  public ChildProcessSandbox(String id, Process process, Path workDir, Runnable afterExit) {
    this(id, process, workDir, afterExit, line -> true);
  }

  /**
   * {@code lineFilter} sees each stdout line first and says whether to log it (a VM driver
   * watches its console for signs of life, and keeps the kernel's boot messages out of the log).
   */
  public ChildProcessSandbox(String id, Process process, Path workDir, Runnable afterExit,
      Predicate<String> lineFilter) {
    this.id = id;
    this.process = process;
    this.workDir = workDir;
    this.afterExit = afterExit;
    this.lineFilter = lineFilter;
    this.exit = process.onExit().thenApply(Process::exitValue);
    relay(process.getInputStream(), false);
    relay(process.getErrorStream(), true);
  }

  private void relay(InputStream stream, boolean isStderr) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (isStderr) {
            LOG.warn("{} vmid={}", line, id);
          } else if (lineFilter.test(line)) {
            LOG.info("{} vmid={}", line, id);
          }
        }
      } catch (IOException ignored) {
        // the agent is gone; its exit is reported through onExit()
      }
    }, "agent-output-" + id);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String describe() {
    return "pid=" + process.pid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  @Override
  public Path workFile(String fileName) {
    return workDir.resolve(fileName);
  }

  @Override
  public FileChannel createArtifact(String fileName) throws IOException {
    // CREATE_NEW is O_CREAT|O_EXCL: it neither follows nor reuses whatever is already there
    return FileChannel.open(workFile(fileName), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
  }

  @Override
  public void destroy() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    // a workload whose agent died (SIGKILL) is no longer a descendant, but still works in here
    ProcessTable.workingIn(workDir).stream().filter(p -> !tree.contains(p) && p.pid() != process.pid())
        .forEach(tree::add);
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // closing stdin is only a courtesy; the signals below do the work
    }
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    afterExit.run();
    try {
      DirectoryTree.delete(workDir);
    } catch (IOException e) {
      LOG.warn("Could not remove sandbox directory {}: {}", workDir, e.getMessage());
    }
  }
}
