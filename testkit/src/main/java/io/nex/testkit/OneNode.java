package io.nex.testkit;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The setup most end-to-end tests share: a {@link ControlPlaneServer} in {@code dir}, a jnats
 * connection to it with a {@link DeployClient}, and one node (resources in {@code dir/node})
 * whose warm agents have handshaken. Closing stops them in reverse order: connection, node,
 * control plane.
 */
public final class OneNode implements AutoCloseable {
  private static final String HANDSHAKE = "Received agent handshake";

  private final ControlPlaneServer controlPlane;
  private final Connection connection;
  private final DeployClient client;
  private final NodeProcess node;
  private final Path resources;

  private OneNode(ControlPlaneServer controlPlane, Connection connection, DeployClient client, NodeProcess node,
      Path resources) {
    this.controlPlane = controlPlane;
    this.connection = connection;
    this.client = client;
    this.node = node;
    this.resources = resources;
  }

  /** A node with {@code extraConfig} (see {@link NodeProcess#config}), ready once {@code handshakes} agents are. */
  public static OneNode start(Path dir, String extraConfig, int handshakes) throws IOException, InterruptedException {
    return start(dir, client -> extraConfig, handshakes, Duration.ofSeconds(30));
  }

  /**
   * As above, for config that names the client's own keys (a node trusting only its issuer), and
   * sandboxes slower to handshake than 30 s.
   */
  public static OneNode start(Path dir, Function<DeployClient, String> extraConfig, int handshakes, Duration timeout)
      throws IOException, InterruptedException {
    ControlPlaneServer controlPlane = ControlPlaneServer.start(dir);
    Connection connection = null;
    NodeProcess node = null;
    try {
      connection = Nats.connect(controlPlane.url());
      DeployClient client = new DeployClient(connection);
      Path resources = dir.resolve("node");
      node = NodeProcess.start(resources, controlPlane.url(), NodeProcess.config(resources, extraConfig.apply(client)));
      node.awaitLog(HANDSHAKE, handshakes, timeout);
      return new OneNode(controlPlane, connection, client, node, resources);
    } catch (Throwable e) {
      try {
        close(connection, node, controlPlane);
      } catch (Throwable closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  public ControlPlaneServer controlPlane() {
    return controlPlane;
  }

  public Connection connection() {
    return connection;
  }

  public DeployClient client() {
    return client;
  }

  public NodeProcess node() {
    return node;
  }

  /** The node's resource dir: its sandboxes live under {@code nodes/<id>/sandboxes} there. */
  public Path resources() {
    return resources;
  }

  @Override
  public void close() throws InterruptedException {
    close(connection, node, controlPlane);
  }

  /** Each one closes even when an earlier one fails; those never started are null. */
  private static void close(Connection connection, NodeProcess node, ControlPlaneServer controlPlane)
      throws InterruptedException {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      try {
        if (node != null) {
          node.close();
        }
      } finally {
        controlPlane.close();
      }
    }
  }
}
