package io.nex.testkit;

import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A real nats-server on a random loopback port, JetStream on, as a test's control plane. */
public final class ControlPlaneServer implements AutoCloseable {
  private final NatsServerProcess server;
  private final int monitorPort;

  private ControlPlaneServer(NatsServerProcess server, int monitorPort) {
    this.server = server;
    this.monitorPort = monitorPort;
  }

  public static ControlPlaneServer start(Path dir) throws IOException {
    int port = NatsServerProcess.freePort();
    int monitorPort = NatsServerProcess.freePort();
    String config = "listen: \"127.0.0.1:" + port + "\"\n"
        + "http: \"127.0.0.1:" + monitorPort + "\"\n"
        + "max_payload: 8MB\n"
        + "jetstream { store_dir: \"" + dir.resolve("js") + "\" }\n";
    return new ControlPlaneServer(NatsServerProcess.start(NatsServerBinary.require(List.of()),
        dir.resolve("control.conf"), config, "127.0.0.1", port, dir.resolve("control.log")), monitorPort);
  }

  /** Subscriptions the server holds right now, from its monitoring endpoint. */
  public long subscriptionCount() throws IOException {
    return Monitoring.number("http://127.0.0.1:" + monitorPort + "/subsz", "num_subscriptions");
  }

  public String url() {
    return server.clientUrl();
  }

  @Override
  public void close() {
    server.close();
  }
}
