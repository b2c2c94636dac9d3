package io.nex.node.natsserver;

import io.nex.node.spawn.TiedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A nats-server child process run from a config file we write. Used for the node's internal
 * server and for the local control-plane server the node starts when none is listening.
 */
public final class NatsServerProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NatsServerProcess.class);
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RESIGNAL_AFTER = Duration.ofMillis(300);

  private final Process process;
  private final Path configFile;
  private final String host;
  private final int port;
  private final MonitoringEndpoint monitor;

  private NatsServerProcess(Process process, Path configFile, String host, int port, MonitoringEndpoint monitor) {
    this.process = process;
    this.configFile = configFile;
    this.host = host;
    this.port = port;
    this.monitor = monitor;
  }

  /**
   * Writes {@code config} to {@code configFile} and starts the server on it, returning once it
   * accepts connections on {@code host:port}.
   */
  public static NatsServerProcess start(Path binary, Path configFile, String config, String host, int port,
      Path logFile) throws IOException {
    return start(binary, configFile, config, host, port, logFile, 0);
  }

  /**
   * As {@link #start(Path, Path, String, String, int, Path)}, for a server whose config also has
   * {@code http: 127.0.0.1:monitorPort}, which {@link #reload(String)} needs.
   */
  public static NatsServerProcess start(Path binary, Path configFile, String config, String host, int port,
      Path logFile, int monitorPort) throws IOException {
    Files.createDirectories(configFile.getParent());
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    Process process = TiedProcess.start(new ProcessBuilder(binary.toString(), "-c", configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())));
    NatsServerProcess server = new NatsServerProcess(process, configFile, host, port,
        monitorPort == 0 ? null : new MonitoringEndpoint("127.0.0.1", monitorPort));
    server.awaitListening(logFile);
    return server;
  }

  private void awaitListening(Path logFile) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("nats-server exited with code " + process.exitValue() + ": "
            + lastLine(logFile));
      }
      if (isListening(host, port)) {
        return;
      }
      sleep(5);
    }
    close();
    throw new IOException("nats-server did not listen on " + host + ":" + port + " within "
        + START_TIMEOUT.toSeconds() + " s");
  }

  private static String lastLine(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** True when something accepts TCP connections on {@code host:port}. */
  public static boolean isListening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A server start that picks its own ports ({@link #freePort}) each time it runs. */
  @FunctionalInterface
  public interface PortPicking<T> {
    T start() throws IOException;
  }

  /**
   * Runs {@code start}, and runs it again (up to {@value #PORT_ATTEMPTS} times in all) when the
   * server could not bind: a port found free can be taken by someone else before the server binds
   * it, and a new pick then succeeds.
   */
  public static <T> T onFreePorts(PortPicking<T> start) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.start();
      } catch (IOException e) {
        if (attempt == PORT_ATTEMPTS || !String.valueOf(e.getMessage()).contains("address already in use")) {
          throw e;
        }
        LOG.info("A port found free was taken before nats-server could bind it; trying others");
      }
    }
  }

  /** A port that was free a moment ago on loopback. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Rewrites the config and makes the server apply it, returning once it has. nats-server
   * coalesces SIGHUPs that arrive while it is reloading, so a signal alone can be lost: we watch
   * {@code config_load_time} on the monitoring port and signal again until it moves.
   */
  public synchronized void reload(String config) throws IOException {
    if (monitor == null) {
      throw new IllegalStateException("this server was started without a monitoring port");
    }
    String before = monitor.configLoadTime();
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      signalHangup();
      long resignalAt = System.nanoTime() + RESIGNAL_AFTER.toNanos();
      while (System.nanoTime() < resignalAt) {
        if (!before.equals(monitor.configLoadTime())) {
          return;
        }
        sleep(2);
      }
    }
    throw new IOException("nats-server " + process.pid() + " did not reload its config within "
        + RELOAD_TIMEOUT.toSeconds() + " s");
  }

  private void signalHangup() throws IOException {
    // in a session of its own: a Ctrl-C to the node's process group must not kill it mid-reload
    Process kill = TiedProcess.startInOwnSession(new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())));
    try {
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("could not signal nats-server " + process.pid() + " to reload");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reloading nats-server", e);
    }
  }

  public String clientUrl() {
    return "nats://" + host + ":" + port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes when the server process exits, for whatever reason. */
  public java.util.concurrent.CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** Waits up to {@code timeout} for the process to exit; true if it has. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Exit code of a process that has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
