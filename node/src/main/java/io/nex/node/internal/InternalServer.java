package io.nex.node.internal;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.node.natsserver.NodeConnectionOptions;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's internal nats-server: a child process on loopback that only agents talk to, with a
 * user per sandbox bounded to that sandbox's subjects (see {@link InternalServerConfig}). Users
 * are added and removed by rewriting the config and having the server reload it. When the
 * process dies, {@link #supervise} starts it again on the same port with every current user, so
 * the node's and the agents' connections (which retry forever) come back by themselves.
 */
public final class InternalServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InternalServer.class);
  private static final int RESTART_ATTEMPTS = 5;
  private static final Duration RESTART_PAUSE = Duration.ofSeconds(1);

  private final Path binary;
  private final Path workDir;
  private final NKeyPair nodeUser;
  private final InternalServerConfig config;
  private final Map<String, SandboxCredentials> sandboxes = new LinkedHashMap<>();
  private volatile NatsServerProcess server;
  private volatile boolean closed;
  private Supervision supervision;

  /** Told of restarts; {@code failed} when the server cannot be brought back (the node cannot work). */
  public record Supervision(Runnable restarted, Consumer<String> failed) {}

  private InternalServer(Path binary, Path workDir, NKeyPair nodeUser, InternalServerConfig config) {
    this.binary = binary;
    this.workDir = workDir;
    this.nodeUser = nodeUser;
    this.config = config;
  }

  /**
   * Starts the server on {@code host:port} ({@code port} 0 = a random free port), keeping its
   * config, data and log under {@code workDir}.
   */
  public static InternalServer start(Path binary, Path workDir, String host, int port) throws IOException {
    return NatsServerProcess.onFreePorts(() -> {
      int actualPort = port == 0 ? NatsServerProcess.freePort() : port;
      int monitorPort = NatsServerProcess.freePort();
      NKeyPair nodeUser = NKeyPair.create(KeyType.USER);
      InternalServer internal = new InternalServer(binary, workDir, nodeUser,
          new InternalServerConfig(host, actualPort, monitorPort, nodeUser.publicKey()));
      internal.server = internal.launch();
      return internal;
    });
  }

  private NatsServerProcess launch() throws IOException {
    return NatsServerProcess.start(binary, workDir.resolve("internal-nats.conf"), config.render(sandboxes.values()),
        config.host(), config.port(), workDir.resolve("internal-nats.log").toAbsolutePath(), config.monitorPort());
  }

  /** From now on, a server process that exits is started again; returns at once. */
  public synchronized void supervise(Supervision supervision) {
    this.supervision = supervision;
    watch(server);
  }

  private void watch(NatsServerProcess watched) {
    // a restart waits for the new process to listen: not on the JDK's process-reaper threads
    watched.onExit().thenRunAsync(() -> {
      synchronized (this) {
        if (!closed && server == watched) {
          LOG.warn("Internal NATS server exited with code {} pid={}; restarting it on {}", watched.exitValue(),
              watched.pid(), clientUrl());
          restart();
        }
      }
    }, task -> {
      Thread thread = new Thread(task, "internal-server-restart");
      thread.setDaemon(true);
      thread.start();
    });
  }

  /** Starts a new server process with the current users; on failure the node is told it cannot go on. */
  private void restart() {
    String problem = "";
    for (int attempt = 1; attempt <= RESTART_ATTEMPTS && !closed; attempt++) {
      try {
        server = launch();
        LOG.info("Internal NATS server restarted client_url=\"{}\" pid={} sandbox_users={}", clientUrl(), server.pid(),
            sandboxes.size());
        supervision.restarted().run();
        watch(server);
        return;
      } catch (IOException e) {
        problem = e.getMessage();
        LOG.warn("Could not restart the internal NATS server (attempt {} of {}): {}", attempt, RESTART_ATTEMPTS, problem);
        sleep(RESTART_PAUSE);
      }
    }
    if (!closed) {
      supervision.failed().accept("The internal NATS server could not be restarted: " + problem);
    }
  }

  /** Creates the nkey user of a new sandbox and reloads the server. */
  public synchronized SandboxCredentials addSandbox(String sandboxId) throws IOException {
    NKeyPair user = NKeyPair.create(KeyType.USER);
    SandboxCredentials credentials = new SandboxCredentials(sandboxId, user.publicKey(), user.seed());
    sandboxes.put(sandboxId, credentials);
    apply();
    return credentials;
  }

  /** Destroys a sandbox's user: its agent is cut off at once. */
  public synchronized void removeSandbox(String sandboxId) throws IOException {
    if (sandboxes.remove(sandboxId) != null && !closed) {
      apply();
    }
  }

  /**
   * Makes the server run the current users: a reload, or, when the server died and the watcher
   * has not caught up yet, the restart (which starts from the current users anyway).
   */
  private void apply() throws IOException {
    NatsServerProcess current = server;
    if (current.isAlive()) {
      try {
        current.reload(config.render(sandboxes.values()));
        return;
      } catch (IOException e) {
        if (!current.awaitExit(Duration.ofSeconds(1))) {
          throw e;
        }
      }
    }
    if (supervision == null) {
      throw new IOException("the internal NATS server is not running");
    }
    LOG.warn("Internal NATS server exited with code {} pid={}; restarting it on {}", current.exitValue(),
        current.pid(), clientUrl());
    restart();
    if (!server.isAlive()) {
      throw new IOException("the internal NATS server is not running");
    }
  }

  /** A connection as the node's own user, which sees every sandbox's hostint subjects. */
  public Connection connectAsNode(String name) throws IOException, InterruptedException {
    return connect(name, nodeUser.seed());
  }

  private Connection connect(String name, String seed) throws IOException, InterruptedException {
    Options options = NodeConnectionOptions.builder(clientUrl(), name)
        .authHandler(Nats.staticCredentials(null, seed.toCharArray()))
        .build();
    return Nats.connect(options);
  }

  public String clientUrl() {
    return "nats://" + config.host() + ":" + config.port();
  }

  public String host() {
    return config.host();
  }

  public int port() {
    return config.port();
  }

  public long pid() {
    return server.pid();
  }

  /** Whether the server process runs right now (between a crash and its restart it does not). */
  public boolean isAlive() {
    return server.isAlive();
  }

  /** From now on a server process that exits is not started again: the node is stopping. */
  public void stopSupervising() {
    closed = true;
  }

  @Override
  public void close() {
    closed = true;
    server.close();
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
