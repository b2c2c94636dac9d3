package io.nex.agent;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentMetadata;
import io.nex.api.agent.HandshakeRequest;
import io.nex.agent.workload.HostedFunctions;
import io.nex.agent.workload.SandboxUse;
import io.nex.agent.workload.WorkloadHost;
import io.nex.agent.workload.WorkloadUser;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * The agent inside one sandbox: connects to the node's internal server with its own credentials,
 * handshakes, then serves {@code agentint.{id}.*} for the one workload it will ever run, or, as a
 * function host, for the functions of one tenant.
 */
final class Agent implements AutoCloseable {
  private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(30);
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);
  private static final Duration HANDSHAKE_PATIENCE = Duration.ofSeconds(60);

  private final AgentMetadata metadata;
  private final Instant startedAt = Instant.now();
  private Connection connection;
  private WorkloadHost workload;
  private HostedFunctions functions;
  private volatile boolean handshaken;

  Agent(AgentMetadata metadata) {
    this.metadata = metadata;
  }

  void start() throws IOException, InterruptedException {
    connectAndListen();
    handshake();
    handshaken = true;
    // ready as soon as handshaken; a deploy arriving during warming waits for it (see WorkloadHost)
    workload.warmUp();
  }

  /** Connects and subscribes to our agentint subjects, so that we are ready before we say so. */
  private void connectAndListen() throws IOException, InterruptedException {
    connection = connect();
    Path workDir = Path.of("").toAbsolutePath();
    SandboxUse use = new SandboxUse();
    workload = new WorkloadHost(connection, metadata.vmid(), workDir, WorkloadUser.fromEnvironment(System.getenv(), workDir),
        use);
    functions = new HostedFunctions(connection, metadata.vmid(), workDir, use);
    Dispatcher dispatcher = connection.createDispatcher();
    dispatcher.subscribe(Subjects.agentPing(metadata.vmid()), this::ping);
    dispatcher.subscribe(Subjects.agentUndeploy(metadata.vmid()), workload::handleUndeploy);
    // a deploy fetches the artifact and starts a process: keep it off the dispatcher that answers pings
    // adds and removes of a function host share it: they come one at a time (see HostedFunctions)
    Dispatcher deploys = connection.createDispatcher();
    deploys.subscribe(Subjects.agentDeploy(metadata.vmid()), workload::handleDeploy);
    deploys.subscribe(Subjects.agentAddFunction(metadata.vmid()), functions::handleAdd);
    deploys.subscribe(Subjects.agentRemoveFunction(metadata.vmid()), functions::handleRemove);
    try {
      connection.flush(Duration.ofSeconds(5));
    } catch (TimeoutException e) {
      throw new IOException("the internal server did not confirm our subscriptions", e);
    }
  }

  /**
   * The node adds our account just before starting us; a reload that has not landed yet shows up
   * as an authorization error, so keep trying for a while.
   */
  private Connection connect() throws IOException, InterruptedException {
    Options options = new Options.Builder()
        .server("nats://" + metadata.nodeNatsHost() + ":" + metadata.nodeNatsPort())
        .connectionName("nex-agent-" + metadata.vmid())
        // the only inbox our user may subscribe to (see the node's InternalServerConfig)
        .inboxPrefix("_INBOX." + metadata.vmid())
        .authHandler(Nats.staticCredentials(null, metadata.nodeNatsNkey().toCharArray()))
        .connectionTimeout(Duration.ofSeconds(2))
        // the node restarts its internal server on the same port if it dies: come back to it, forever, quickly
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        // jnats drops a publish that waits over 2 s for its write queue; on a box starting hundreds
        // of agents an answer to the node can wait longer, and a lost one is a failed deploy
        .writeQueuePushTimeout(Duration.ofSeconds(30))
        .connectionListener(this::connectionEvent)
        // connection trouble during the first attempts is expected (see connect()); server errors are not
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            AgentLog.info("internal server error: " + error);
          }
        })
        .build();
    long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
    while (true) {
      try {
        return Nats.connect(options);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("cannot connect to the internal server at " + metadata.nodeNatsHost() + ":"
              + metadata.nodeNatsPort() + ": " + e.getMessage(), e);
        }
        Thread.sleep(20);
      }
    }
  }

  /** Asks the node to count us in, retrying until the node's listener answers or the deadline passes. */
  private void handshake() throws IOException, InterruptedException {
    byte[] body = Json.write(new HandshakeRequest(metadata.vmid(), startedAt.toString(), metadata.message()));
    long deadline = System.nanoTime() + HANDSHAKE_PATIENCE.toNanos();
    long backoffMillis = 10;
    String lastProblem = "no reply";
    while (System.nanoTime() < deadline) {
      try {
        Message reply = connection.request(Subjects.handshake(metadata.vmid()), body, HANDSHAKE_TIMEOUT);
        if (reply != null) {
          return;
        }
        lastProblem = "no reply within " + HANDSHAKE_TIMEOUT.toMillis() + " ms";
      } catch (RuntimeException e) {
        lastProblem = e.getMessage();
      }
      Thread.sleep(backoffMillis);
      backoffMillis = Math.min(backoffMillis * 2, 250);
    }
    throw new IOException("the node did not answer the handshake: " + lastProblem);
  }

  /**
   * After a reconnect (the node's internal server restarted, or our link dropped), our
   * subscriptions are back before anything we publish; a new handshake tells the node we hear it
   * again, so it can hand us work without waiting for a ping.
   */
  private void connectionEvent(Connection conn, ConnectionListener.Events event) {
    if (event != ConnectionListener.Events.RECONNECTED || !handshaken) {
      return;
    }
    Thread again = new Thread(() -> {
      try {
        handshake();
      } catch (IOException e) {
        AgentLog.info("no handshake after the reconnect: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "re-handshake");
    again.setDaemon(true);
    again.start();
  }

  private void ping(Message message) {
    if (message.getReplyTo() != null) {
      connection.publish(message.getReplyTo(), "OK".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (workload != null) {
      workload.shutdown();
    }
    if (functions != null) {
      functions.shutdown();
    }
    if (connection != null) {
      connection.close();
    }
  }
}
