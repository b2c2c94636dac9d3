package io.nex.node.spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the node's long-lived children (nats-servers, agents, sandboxes) tied to the node:
 * <ul>
 *   <li>in a session of their own ({@code setsid}), so that the signals a terminal sends to its
 *       foreground process group (Ctrl-C), and {@code kill -- -PGID}, reach only the node, which
 *       then stops them in order instead of finding them dead and replacing them;</li>
 *   <li>with a parent-death signal of SIGKILL ({@code setpriv --pdeathsig KILL}), so that they
 *       die with the node even when it is killed with SIGKILL.</li>
 * </ul>
 * The kernel sends the parent-death signal when the <em>thread</em> that spawned the child
 * exits, not the process; the JDK spawns from the calling thread, so every child is started from
 * one thread that lives as long as the JVM. Both programs exec the command in the same process
 * (setsid forks only when its caller leads a process group, which a JVM's child never does), so
 * the pid the node sees is the command's own.
 */
public final class TiedProcess {
  private static final List<String> SYSTEM_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");
  private static final Optional<List<String>> PREFIX = prefix();
  private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "child-spawner");
    thread.setDaemon(true);
    return thread;
  });

  private TiedProcess() {}

  /** Starts {@code builder}'s command tied to the node; its directory, environment and redirects are kept. */
  public static Process start(ProcessBuilder builder) throws IOException {
    return spawn(builder, prefixOrFail());
  }

  /**
   * Starts {@code builder}'s command in a session of its own, without a parent-death signal: for
   * a child that ends itself in order when the node goes, or at once anyway. The JVM agent reads
   * end-of-file on the stdin pipe only the node holds and stops its workload first (a SIGKILL on
   * the node's death would orphan that workload instead); a helper such as {@code kill -HUP}
   * must only not be killed by a Ctrl-C meant for the node.
   */
  public static Process startInOwnSession(ProcessBuilder builder) throws IOException {
    return spawn(builder, prefixOrFail().subList(0, 1));
  }

  private static Process spawn(ProcessBuilder builder, List<String> prefix) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(builder.command());
    ProcessBuilder tied = copy(builder, command);
    try {
      // submit, not execute: an exception must not end the spawning thread (that would kill every child)
      return SPAWNER.submit(tied::start).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + builder.command().get(0) + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + builder.command().get(0), e);
    }
  }

  private static List<String> prefixOrFail() {
    return PREFIX.orElseThrow(() -> new IllegalStateException(
        "setsid and setpriv not found in /usr/bin or /bin (apt-get install -y util-linux)"));
  }

  private static ProcessBuilder copy(ProcessBuilder from, List<String> command) {
    ProcessBuilder to = new ProcessBuilder(command)
        .directory(from.directory())
        .redirectInput(from.redirectInput())
        .redirectOutput(from.redirectOutput())
        .redirectError(from.redirectError())
        .redirectErrorStream(from.redirectErrorStream());
    to.environment().clear();
    to.environment().putAll(from.environment());
    return to;
  }

  private static Optional<List<String>> prefix() {
    Optional<Path> setsid = find("setsid");
    Optional<Path> setpriv = find("setpriv");
    if (setsid.isEmpty() || setpriv.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(List.of(setsid.get().toString(), setpriv.get().toString(), "--pdeathsig", "KILL", "--"));
  }

  private static Optional<Path> find(String name) {
    return SYSTEM_DIRS.stream().map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
  }
}
