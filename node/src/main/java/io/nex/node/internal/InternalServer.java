package io.nex.node.internal;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.node.natsserver.NatsErrorLog;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's internal nats-server: a child process on loopback that only agents talk to, with an
 * account per sandbox (see {@link InternalServerConfig}). Sandbox accounts are added and removed
 * by rewriting the config and asking the server to reload it.
 */
public final class InternalServer implements AutoCloseable {
  private final NatsServerProcess server;
  private final NKeyPair nodeUser;
  private final InternalServerConfig config;
  private final Map<String, SandboxCredentials> sandboxes = new LinkedHashMap<>();
  private long generation;

  private InternalServer(NatsServerProcess server, NKeyPair nodeUser, InternalServerConfig config) {
    this.server = server;
    this.nodeUser = nodeUser;
    this.config = config;
  }

  /**
   * Starts the server on {@code host:port} ({@code port} 0 = a random free port), keeping its
   * config, data and log under {@code workDir}.
   */
  public static InternalServer start(Path binary, Path workDir, String host, int port) throws IOException {
    int actualPort = port == 0 ? NatsServerProcess.freePort() : port;
    int monitorPort = NatsServerProcess.freePort();
    NKeyPair nodeUser = NKeyPair.create(KeyType.USER);
    Path storeDir = workDir.resolve("jetstream");
    InternalServerConfig config = new InternalServerConfig(host, actualPort, monitorPort, storeDir, nodeUser.publicKey());
    NatsServerProcess server = NatsServerProcess.start(binary, workDir.resolve("internal-nats.conf"),
        config.render(List.of(), 0), host, actualPort, workDir.resolve("internal-nats.log").toAbsolutePath(), monitorPort);
    return new InternalServer(server, nodeUser, config);
  }

  /** Creates the account and nkey user of a new sandbox and reloads the server. */
  public synchronized SandboxCredentials addSandbox(String sandboxId) throws IOException {
    NKeyPair user = NKeyPair.create(KeyType.USER);
    SandboxCredentials credentials = new SandboxCredentials(sandboxId, user.publicKey(), user.seed());
    sandboxes.put(sandboxId, credentials);
    reload();
    return credentials;
  }

  /** Destroys a sandbox's account: its agent is cut off at once. */
  public synchronized void removeSandbox(String sandboxId) throws IOException {
    if (sandboxes.remove(sandboxId) != null && server.isAlive()) {
      reload();
    }
  }

  /**
   * Applies the current account set. Twice, on purpose: nats-server 2.9 wires a newly added
   * account's service import from {@code nexhost} only on the reload after the one that created
   * it (InternalServerIsolationTest shows it), so a second reload, made different by the
   * generation counter, completes the first.
   */
  private void reload() throws IOException {
    server.reload(config.render(sandboxes.values(), ++generation));
    server.reload(config.render(sandboxes.values(), ++generation));
  }

  /** A connection as the node's own user, in the account that sees every sandbox's hostint subjects. */
  public Connection connectAsNode(String name) throws IOException, InterruptedException {
    return connect(name, nodeUser.seed());
  }

  /** A connection as a sandbox's user: what the agent in that sandbox can do, and no more. */
  public Connection connectAs(SandboxCredentials credentials, String name) throws IOException, InterruptedException {
    return connect(name, credentials.userSeed());
  }

  private Connection connect(String name, String seed) throws IOException, InterruptedException {
    Options options = new Options.Builder()
        .server(clientUrl())
        .connectionName(name)
        .authHandler(Nats.staticCredentials(null, seed.toCharArray()))
        .connectionTimeout(Duration.ofSeconds(2))
        .maxReconnects(-1)
        .errorListener(new NatsErrorLog(name))
        .build();
    return Nats.connect(options);
  }

  public String clientUrl() {
    return server.clientUrl();
  }

  public String host() {
    return server.host();
  }

  public int port() {
    return server.port();
  }

  public long pid() {
    return server.pid();
  }

  @Override
  public void close() {
    server.close();
  }
}
