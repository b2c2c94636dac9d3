package io.nex.testkit;

import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.natsserver.NatsServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A real nats-server on a random loopback port, JetStream on, as a test's control plane. */
public final class ControlPlaneServer implements AutoCloseable {
  private final Path dir;
  private final String config;
  private final int port;
  private final int monitorPort;
  private NatsServerProcess server;

  private ControlPlaneServer(Path dir, String config, int port, int monitorPort) throws IOException {
    this.dir = dir;
    this.config = config;
    this.port = port;
    this.monitorPort = monitorPort;
    this.server = launch();
  }

  private NatsServerProcess launch() throws IOException {
    return NatsServerProcess.start(NatsServerBinary.require(List.of()), dir.resolve("control.conf"), config,
        "127.0.0.1", port, dir.resolve("control.log"));
  }

  public static ControlPlaneServer start(Path dir) throws IOException {
    return NatsServerProcess.onFreePorts(() -> {
      int port = NatsServerProcess.freePort();
      int monitorPort = NatsServerProcess.freePort();
      String config = "listen: \"127.0.0.1:" + port + "\"\n"
          + "http: \"127.0.0.1:" + monitorPort + "\"\n"
          + "max_payload: 8MB\n"
          + "jetstream { store_dir: \"" + dir.resolve("js") + "\" }\n";
      return new ControlPlaneServer(dir, config, port, monitorPort);
    });
  }

  /** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
  public void kill() {
    ProcessHandle.of(server.pid()).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().join();
    });
  }

  /** Starts the server again on the same port with the same config (after {@link #kill()}). */
  public void restart() throws IOException {
    server = launch();
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
