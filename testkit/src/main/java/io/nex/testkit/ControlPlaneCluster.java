package io.nex.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Real nats-servers clustered over routes on loopback, JetStream clustered across them: the
 * control plane of a fleet, one server per node as on a NATS supercluster's edge.
 */
public final class ControlPlaneCluster implements AutoCloseable {
  private final List<NatsServerProcess> servers;

  private ControlPlaneCluster(List<NatsServerProcess> servers) {
    this.servers = servers;
  }

  public static ControlPlaneCluster start(Path dir, int size) throws IOException, InterruptedException {
    List<Integer> clientPorts = new ArrayList<>();
    List<Integer> routePorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      clientPorts.add(NatsServerProcess.freePort());
      routePorts.add(NatsServerProcess.freePort());
    }
    String routes = routePorts.stream().map(p -> "\"nats-route://127.0.0.1:" + p + "\"")
        .collect(Collectors.joining(", "));
    List<NatsServerProcess> servers = new ArrayList<>();
    ControlPlaneCluster cluster = new ControlPlaneCluster(servers);
    try {
      for (int i = 0; i < size; i++) {
        Path home = dir.resolve("cp" + i);
        String config = "server_name: cp" + i + "\n"
            + "listen: \"127.0.0.1:" + clientPorts.get(i) + "\"\n"
            + "max_payload: 8MB\n"
            + "jetstream { store_dir: \"" + home.resolve("js") + "\" }\n"
            + "cluster { name: nexfleet, listen: \"127.0.0.1:" + routePorts.get(i) + "\", routes: [" + routes + "] }\n";
        servers.add(NatsServerProcess.start(NatsServerBinary.require(List.of()), home.resolve("server.conf"), config,
            "127.0.0.1", clientPorts.get(i), home.resolve("server.log")));
      }
      cluster.awaitJetStream(Duration.ofSeconds(30));
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** A clustered JetStream answers only once its servers have elected a meta leader. */
  private void awaitJetStream(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection nc = Nats.connect(url(0))) {
      while (true) {
        try {
          nc.jetStreamManagement().getAccountStatistics();
          return;
        } catch (JetStreamApiException | IOException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("clustered JetStream not ready within " + timeout + ": " + e.getMessage());
          }
          Thread.sleep(200);
        }
      }
    }
  }

  public String url(int server) {
    return servers.get(server).clientUrl();
  }

  public int size() {
    return servers.size();
  }

  @Override
  public void close() {
    servers.forEach(NatsServerProcess::close);
  }
}
