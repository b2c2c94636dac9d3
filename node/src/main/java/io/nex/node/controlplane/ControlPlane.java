package io.nex.node.controlplane;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.api.Json;
import io.nex.node.config.NodeConfig.PublicNatsServer;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import io.nex.node.natsserver.NodeConnectionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The node's connection to the control plane, the NATS system users and the CLI talk to. With
 * the default URL and nothing listening there, the node starts a local nats-server (JetStream
 * on) so that one command gets a newcomer a working node; any other URL must already answer.
 */
public final class ControlPlane implements AutoCloseable {
  public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
  private static final long RECONNECT_BUFFER_BYTES = 8L * 1024 * 1024;

  private final Connection connection;
  private final String url;
  private final NatsServerProcess localServer;

  private ControlPlane(Connection connection, String url, NatsServerProcess localServer) {
    this.connection = connection;
    this.url = url;
    this.localServer = localServer;
  }

  /**
   * Connects, reconnecting forever to the same URL after a loss; {@code listener} hears of
   * losses and returns. While disconnected, jnats keeps what we publish in its reconnect buffer
   * (8 MiB) and sends it on reconnect.
   */
  public static ControlPlane connect(String url, Path resourceDir, List<String> binPath, String connectionName,
      ConnectionListener listener) throws ControlPlaneException {
    return connect(url, null, resourceDir, binPath, connectionName, listener);
  }

  /**
   * As above; with {@code publicServer} (Nex's {@code public_nats_server}) the node always starts
   * its own local server as it describes, and that server is the control plane, whatever {@code url} says.
   */
  public static ControlPlane connect(String url, PublicNatsServer publicServer, Path resourceDir, List<String> binPath,
      String connectionName, ConnectionListener listener) throws ControlPlaneException {
    NatsServerProcess local = null;
    if (publicServer != null) {
      String host = publicServer.addr() == null ? "127.0.0.1" : publicServer.addr();
      int port = publicServer.port() == null ? 4222 : publicServer.port();
      local = startLocalServer(resourceDir, binPath, host, port, !Boolean.FALSE.equals(publicServer.jetstream()),
          publicServer.serverName(), "public_nats_server");
      url = "nats://" + (host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host) + ":" + port;
    } else if (DEFAULT_URL.equals(url) && !NatsServerProcess.isListening("127.0.0.1", 4222)) {
      local = startLocalServer(resourceDir, binPath, "127.0.0.1", 4222, true, null, "no NATS server at " + DEFAULT_URL);
    }
    try {
      Options options = NodeConnectionOptions.builder(url, connectionName)
          .reconnectBufferSize(RECONNECT_BUFFER_BYTES)
          .connectionListener(listener)
          .build();
      return new ControlPlane(Nats.connect(options), url, local);
    } catch (IOException | IllegalArgumentException e) {
      if (local != null) {
        local.close();
      }
      throw new ControlPlaneException("cannot connect to the control plane at " + withoutCredentials(url) + ": "
          + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlPlaneException("interrupted while connecting to " + withoutCredentials(url));
    }
  }

  private static NatsServerProcess startLocalServer(Path resourceDir, List<String> binPath, String host, int port,
      boolean jetstream, String serverName, String why) throws ControlPlaneException {
    Path dir = resourceDir.resolve("control-plane").toAbsolutePath();
    String config = "listen: \"" + host + ":" + port + "\"\n"
        + "max_payload: 8MB\n"
        + (serverName == null || serverName.isBlank() ? "" : "server_name: " + Json.writeString(serverName) + "\n")
        + (jetstream ? "jetstream { store_dir: \"" + dir.resolve("jetstream") + "\" }\n" : "");
    try {
      Files.createDirectories(dir);
      String probeHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
      return NatsServerProcess.start(NatsServerBinary.require(binPath), dir.resolve("nats.conf"), config,
          probeHost, port, dir.resolve("nats.log"));
    } catch (IOException | IllegalStateException e) {
      throw new ControlPlaneException(why + ": could not start a nats-server on " + host + ":" + port + ": "
          + e.getMessage());
    }
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  public Connection connection() {
    return connection;
  }

  public String url() {
    return url;
  }

  /** The URL for logs and messages: a password or token in it is left out. */
  public String displayUrl() {
    return withoutCredentials(url);
  }

  /** {@code urls} (one, or a comma-separated list) without the user info of any. */
  public static String withoutCredentials(String urls) {
    StringBuilder shown = new StringBuilder();
    for (String url : urls.split(",", -1)) {
      if (!shown.isEmpty()) {
        shown.append(',');
      }
      int at = url.lastIndexOf('@');
      int scheme = url.indexOf("://");
      shown.append(at < 0 ? url : (scheme < 0 ? "" : url.substring(0, scheme + 3)) + url.substring(at + 1));
    }
    return shown.toString();
  }

  /** The local server this node started, if it started one. */
  public Optional<NatsServerProcess> localServer() {
    return Optional.ofNullable(localServer);
  }


  @Override
  public void close() {
    try {
      connection.drain(Duration.ofSeconds(2)).get();
    } catch (Exception e) {
      // a drain that cannot finish is followed by a close either way
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (localServer != null) {
      localServer.close();
    }
  }
}
