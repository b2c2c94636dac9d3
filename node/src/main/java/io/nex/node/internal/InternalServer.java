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
 * The node's internal nats-server: a child process on loopback that only agents talk to, with a
 * user per sandbox bounded to that sandbox's subjects (see {@link InternalServerConfig}). Users
 * are added and removed by rewriting the config and having the server reload it.
 */
public final class InternalServer implements AutoCloseable {
  private final NatsServerProcess server;
  private final NKeyPair nodeUser;
  private final InternalServerConfig config;
  private final Map<String, SandboxCredentials> sandboxes = new LinkedHashMap<>();

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
    InternalServerConfig config = new InternalServerConfig(host, actualPort, monitorPort, nodeUser.publicKey());
    NatsServerProcess server = NatsServerProcess.start(binary, workDir.resolve("internal-nats.conf"),
        config.render(List.of()), host, actualPort, workDir.resolve("internal-nats.log").toAbsolutePath(), monitorPort);
    return new InternalServer(server, nodeUser, config);
  }

  /** Creates the nkey user of a new sandbox and reloads the server. */
  public synchronized SandboxCredentials addSandbox(String sandboxId) throws IOException {
    NKeyPair user = NKeyPair.create(KeyType.USER);
    SandboxCredentials credentials = new SandboxCredentials(sandboxId, user.publicKey(), user.seed());
    sandboxes.put(sandboxId, credentials);
    reload();
    return credentials;
  }

  /** Destroys a sandbox's user: its agent is cut off at once. */
  public synchronized void removeSandbox(String sandboxId) throws IOException {
    if (sandboxes.remove(sandboxId) != null && server.isAlive()) {
      reload();
    }
  }

  private void reload() throws IOException {
    server.reload(config.render(sandboxes.values()));
  }

  /** A connection as the node's own user, which sees every sandbox's hostint subjects. */
  public Connection connectAsNode(String name) throws IOException, InterruptedException {
    return connect(name, nodeUser.seed());
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
