package io.nex.node;

import io.nats.client.Connection;
import io.nex.api.NexVersion;
import io.nex.api.control.AuctionResponse.Capacity;
import io.nex.api.control.InfoResponse.MachineSummary;
import io.nex.api.Uptime;
import io.nex.api.WorkloadType;
import io.nex.api.control.InfoResponse.PooledAgent;
import io.nex.api.control.InfoResponse.WorkloadSummary;
import io.nex.api.events.EventTypes;
import io.nex.node.autostart.Autostart;
import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.nex.node.control.ControlApi;
import io.nex.node.control.ReplySigner;
import io.nex.node.control.NodeView;
import io.nex.node.controlplane.ControlPlane;
import io.nex.node.controlplane.ControlPlaneException;
import io.nex.node.controlplane.ControlPlaneWatch;
import io.nex.node.controlplane.KeyValueBuckets;
import io.nex.node.essential.EssentialKeeper;
import io.nex.node.fs.DirectoryTree;
import io.nex.node.function.TriggerRouter;
import io.nex.node.hostservices.HostServicesConnector;
import io.nex.node.hostservices.HostServicesServer;
import io.nex.node.lameduck.LameDuck;
import io.nex.node.telemetry.HostMemory;
import io.nex.node.internal.InternalServer;
import io.nex.node.metrics.Health;
import io.nex.node.metrics.MetricsFile;
import io.nex.node.metrics.MetricsServer;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.tracing.Tracing;
import io.nex.node.natsserver.NatsServerBinary;
import io.nex.node.pool.WarmPool;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxFactory;
import io.nex.node.session.AgentSessions;
import io.nex.node.session.NatsAgentTransport;
import io.nex.node.telemetry.AgentRelay;
import io.nex.node.telemetry.EventPublisher;
import io.nex.node.telemetry.NatsEventPublisher;
import io.nex.node.workload.ArtifactCache;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.Deployment;
import io.nex.node.workload.Deployments;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node. It starts in the order of the seed page's log (control plane, config, sandbox
 * manager, internal server, xkey, awaiting commands, warm pool) and stops in the reverse order,
 * so nothing it started outlives it.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
  /** The agent enforces the function timeout itself; the node waits a little longer for its answer. */
  private static final long TRIGGER_GRACE_MS = 1000;
  private static final String LOOPBACK = "127.0.0.1";

  private final NodeOptions options;
  private final NodeIdentity identity = NodeIdentity.generate();
  private final Instant startedAt = Instant.now();
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  /** What to undo on stop, most recent first. */
  private final Deque<Runnable> teardown = new ConcurrentLinkedDeque<>();
  /**
   * What to tell first when a stop begins, before anything is undone: the parts that would
   * otherwise replace or restart what the stop is about to take down.
   */
  private final Deque<Runnable> quiesce = new ConcurrentLinkedDeque<>();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "heartbeat");
    t.setDaemon(true);
    return t;
  });
  private volatile Map<String, String> tags;
  private String sandboxKind;
  private WarmPool pool;
  private final Deployments deployments = new Deployments();
  private TriggerRouter triggers;
  private EventPublisher events;
  private final NodeMetrics metrics = new NodeMetrics();
  private final ControlPlaneWatch controlPlaneWatch = new ControlPlaneWatch(metrics);
  private Connection controlPlaneConnection;
  private Connection internalConnection;
  private volatile boolean stopping;
  private LameDuck lameDuck;
  private Deployer deployer;

  private Node(NodeOptions options) {
    this.options = options;
  }

  /** Starts a node; on failure everything already started is stopped again. */
  public static Node start(NodeOptions options) throws NodeStartException {
    Node node = new Node(options);
    try {
      node.startUp();
    } catch (NodeStartException e) {
      node.tearDown();
      throw e;
    } catch (IOException | RuntimeException | TimeoutException e) {
      node.tearDown();
      throw new NodeStartException("node failed to start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.tearDown();
      throw new NodeStartException("interrupted while starting");
    }
    return node;
  }

  private void startUp() throws NodeStartException, IOException, InterruptedException, TimeoutException {
    NodeConfig config = options.config();
    Path workDir = config.resourceDir().resolve("nodes").resolve(identity.id()).toAbsolutePath();

    PidFile pidFile = PidFile.claim(Path.of(config.pidFilepath()));
    teardown.push(pidFile::release);
    Path runState = config.resourceDir().resolve(RunState.FILE_NAME).toAbsolutePath();
    Leftovers.cleanAfter(runState);
    teardown.push(() -> deleteQuietly(runState));

    ControlPlane controlPlane;
    try {
      controlPlane = ControlPlane.connect(options.controlPlaneUrl(), config.publicNatsServer(), config.resourceDir(),
          config.binPath(), "nex-node-" + identity.id(), controlPlaneWatch);
    } catch (ControlPlaneException e) {
      throw new NodeStartException(e.getMessage());
    }
    teardown.push(controlPlane::close);
    controlPlaneConnection = controlPlane.connection();
    if (config.publicNatsServer() != null) {
      LOG.info("Started the public nats-server of public_nats_server as this node's control plane at {} pid={}",
          controlPlane.displayUrl(), controlPlane.localServer().orElseThrow().pid());
    } else {
      controlPlane.localServer().ifPresent(s -> LOG.info(
          "No NATS server was listening at {}; started a local nats-server (JetStream on, data in {}) pid={}",
          ControlPlane.DEFAULT_URL, config.resourceDir().resolve("control-plane").toAbsolutePath(), s.pid()));
    }
    LOG.info("Established node NATS connection to: {}", controlPlane.displayUrl());
    if (options.configFile() == null) {
      LOG.info("No --config given; using the default node configuration");
    } else {
      LOG.info("Loaded node configuration from '{}'", options.configFile());
    }

    SandboxDrivers.Choice choice = SandboxDrivers.choose(config, controlPlane.url());
    sandboxKind = choice.driver().kind();
    tags = NodeTags.of(config.tags(), choice.driver().isolated());
    LOG.info("Sandbox manager starting sandbox={} reason=\"{}\"", sandboxKind, choice.reason());

    teardown.push(() -> deleteQuietly(workDir));
    InternalServer internal = InternalServer.start(NatsServerBinary.require(config.binPath()),
        workDir.resolve("internal"), internalHost(config, choice.driver()), config.internalNodePort());
    teardown.push(internal::close);
    quiesce.push(internal::stopSupervising);
    RunState.of(workDir, internal.pid()).write(runState);
    internal.supervise(new InternalServer.Supervision(() -> {
      metrics.internalServerRestarted();
      recordRunState(runState, workDir, internal.pid());
    }, this::fatal));
    LOG.info("Internal NATS server started client_url=\"{}\" pid={}", internal.clientUrl(), internal.pid());
    internalConnection = internal.connectAsNode("nex-node-internal");
    teardown.push(() -> closeQuietly(internalConnection));

    LOG.info("Use this key as the recipient for encrypted run requests public_xkey={}", identity.publicXkey());

    Tracing tracing = startTracing(config);
    events = new NatsEventPublisher(controlPlane.connection(), identity.id());
    SandboxFactory factory = new SandboxFactory(choice.driver(), internal, config.machineTemplate(),
        workDir.resolve("sandboxes"));
    Duration handshakeTimeout = Duration.ofMillis(config.agentHandshakeTimeoutMs());
    AgentSessions sessions = new AgentSessions(factory, new NatsAgentTransport(internalConnection), handshakeTimeout);
    sessions.start();
    teardown.push(sessions::close);
    pool = new WarmPool(config.machinePoolSize(), sessions, handshakeTimeout,
        Duration.ofMillis(config.agentPingTimeoutMs()), this::fatal);
    teardown.push(pool::close);
    quiesce.push(pool::stopReplacing);
    metrics.watchLameDuck(() -> lameDuck != null && lameDuck.active());
    metrics.watchPool(config.machinePoolSize(), () -> pool.snapshot().stream().map(PooledAgent::state).toList());
    metrics.watchWorkloads(() -> deployments.all().stream()
        .map(d -> List.of(d.type(), d.sandbox().isAlive() ? "running" : "exited")).toList());
    try {
      triggers = TriggerRouter.start(controlPlane.url(), controlPlane.displayUrl(), "nex-node-triggers-" + identity.id(), identity.id(),
          Duration.ofMillis(config.functionTimeoutMs() + TRIGGER_GRACE_MS), metrics, tracing);
    } catch (IOException e) {
      throw new NodeStartException("cannot open the trigger connection to " + controlPlane.displayUrl() + ": "
          + e.getMessage());
    }
    teardown.push(triggers::close);
    quiesce.push(triggers::quiesce);
    Connection hostServicesConnection;
    try {
      hostServicesConnection = HostServicesConnector.open(config.hostServices(), controlPlane.url())
          .map(c -> {
            teardown.push(() -> closeQuietly(c));
            LOG.info("Host services connect to {} (host_services.nats_url)",
                ControlPlane.withoutCredentials(c.getConnectedUrl()));
            return c;
          })
          .orElse(controlPlane.connection());
    } catch (IOException e) {
      throw new NodeStartException(e.getMessage());
    }
    HostServicesServer hostServices = new HostServicesServer(internalConnection, hostServicesConnection,
        deployments, config.hostServices().services(), Deployer.deniedSubjects(config), metrics, tracing);
    hostServices.start();
    teardown.push(hostServices::close);
    ArtifactCache artifacts = new ArtifactCache(controlPlane.connection(),
        config.resourceDir().resolve("cache").toAbsolutePath());
    teardown.push(artifacts::close);
    deployer = new Deployer(config, identity.xkey(), new Deployer.Collaborators(artifacts, pool, sessions, events, deployments, triggers,
        new AgentRelay(controlPlane.connection(), identity.id(), controlPlaneWatch), tracing));
    teardown.push(deployer::stopAll);
    metrics.watchFunctionHosts(deployer::functionHosts, deployer::freeFunctionSlots);
    quiesce.push(() -> deployer.refuseNewWork("node " + identity.id() + " is stopping"));
    // a stopping node, like a draining one, restarts no essential workload and takes none over
    EssentialKeeper essentials = EssentialKeeper.start(
        bucket -> KeyValueBuckets.open(controlPlane.connection(), bucket), identity.id(), identity.xkey(),
        deployer, this::runs, () -> stopping || (lameDuck != null && lameDuck.active()), metrics);
    teardown.push(essentials::close);

    lameDuck = new LameDuck(identity.id(), deployer, deployments, events, () -> {
      tagLameDuck();
      essentials.releaseAll();
    }, () -> stop(0));
    teardown.push(lameDuck::close);
    ControlApi controlApi = new ControlApi(controlPlane.connection(), new View(), deployer, lameDuck, metrics, tracing,
        new ReplySigner(identity.serverKey(), config.nodeIssuer()));
    controlApi.start();
    teardown.push(controlApi::close);
    LOG.info("NATS execution engine awaiting commands id={} version={}", identity.id(), NexVersion.VERSION);
    config.nodeIssuer().ifPresent(issuer -> LOG.info("Answers carry the vouch of node issuer {}", issuer.publicKey()));

    startMetricsExport(config);

    pool.fill();

    events.publishSystem(EventTypes.NODE_STARTED, Map.of("version", NexVersion.VERSION, "id", identity.id(),
        "tags", tags));
    teardown.push(() -> events.publishSystem(EventTypes.NODE_STOPPED, Map.of("id", identity.id(), "graceful",
        !exitCode.isDone() || exitCode.getNow(0) == 0)));
    new Autostart(config.autostart().workloads(), identity.id(), identity.publicXkey(), artifacts,
        config.nodeLimits().maxWorkloadBytes(), deployer, Duration.ofMillis(config.agentHandshakeTimeoutMs()))
        .startInBackground();
    heartbeat.scheduleAtFixedRate(this::publishHeartbeat, HEARTBEAT_INTERVAL.toMillis(),
        HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    teardown.push(heartbeat::shutdownNow);
  }

  /**
   * {@code http_port}, or Nex's {@code otel_metrics} with the {@code prometheus} exporter on
   * {@code otel_metrics_port} (the loader has refused the two naming different ports), serves
   * {@code /metrics}; the {@code file} exporter appends JSON lines to the resource directory.
   */
  private void startMetricsExport(NodeConfig config) throws IOException {
    boolean prometheus = config.otelMetrics() && config.otelMetricsExporter().equals("prometheus");
    int port = config.httpPort() > 0 ? config.httpPort() : prometheus ? config.otelMetricsPort() : 0;
    if (port > 0) {
      MetricsServer http = MetricsServer.start(port, metrics, this::health);
      teardown.push(http::close);
      LOG.info("Serving /metrics and /healthz on http://{}:{}", MetricsServer.HOST, http.port());
    }
    if (config.otelMetrics() && config.otelMetricsExporter().equals("file")) {
      Path file = config.resourceDir().resolve(MetricsFile.FILE_NAME);
      MetricsFile metricsFile = MetricsFile.start(metrics, identity.id(), file, MetricsFile.INTERVAL);
      teardown.push(metricsFile::close);
      LOG.info("Writing metrics every {} s to {}", MetricsFile.INTERVAL.toSeconds(), file);
    }
  }

  /** Nex's {@code otel_traces}: spans are flushed on stop, after every part that makes them has stopped. */
  private Tracing startTracing(NodeConfig config) throws NodeStartException {
    Tracing tracing;
    try {
      tracing = Tracing.start(config, identity.id());
    } catch (ConfigException e) {
      throw new NodeStartException(e.getMessage());
    }
    if (tracing.on()) {
      teardown.push(tracing::close);
      LOG.info("Tracing on otel_traces_exporter={}{}", config.otelTracesExporter(),
          config.otelTracesExporter().equals("file") ? " file=" + config.resourceDir().resolve("traces.jsonl") : "");
    }
    return tracing;
  }

  /**
   * Where the internal server listens. {@code internal_node_host} is the address guests reach
   * the host at over CNI, so it applies only to a sandbox that uses CNI; every other sandbox
   * reaches the server on loopback (a subnet address such as Nex's 10.10.10.1 is not even this
   * host's without a CNI bridge).
   */
  private static String internalHost(NodeConfig config, SandboxDriver driver) {
    if (driver.usesCni()) {
      return config.internalNodeHost();
    }
    String configured = config.internalNodeHost();
    if (!LOOPBACK.equals(configured)) {
      LOG.info("internal_node_host {} applies to CNI sandboxes (firecracker) only; sandbox={} reaches the internal "
          + "server on {}", configured, driver.kind(), LOOPBACK);
    }
    return LOOPBACK;
  }

  private boolean runs(String type) {
    return WorkloadType.parse(type).map(options.config()::enables).orElse(false);
  }

  /** {@code nex node ls} marks a draining node with a {@code *}, as Nex does, from this tag. */
  private void tagLameDuck() {
    Map<String, String> marked = new java.util.TreeMap<>(tags);
    marked.put("nex.lameduck", "true");
    tags = java.util.Collections.unmodifiableMap(marked);
  }

  /** Able to take work: both NATS connections up. */
  private Health health() {
    int ready = pool.readyCount();
    int workloads = deployments.count();
    if (!controlPlaneWatch.connected() || controlPlaneConnection.getStatus() != Connection.Status.CONNECTED) {
      return Health.unavailable(identity.id(), ready, workloads, "control plane disconnected");
    }
    if (internalConnection.getStatus() != Connection.Status.CONNECTED) {
      return Health.unavailable(identity.id(), ready, workloads, "internal server disconnected");
    }
    return Health.ok(identity.id(), ready, workloads);
  }

  private void publishHeartbeat() {
    events.publishSystem(EventTypes.HEARTBEAT, Map.of("version", NexVersion.VERSION, "node_id", identity.id(),
        "nexus", options.nexus(), "uptime", Uptime.format(uptime()), "tags", tags,
        "running_machines", deployments.count()));
  }

  private void fatal(String reason) {
    LOG.error(reason);
    stop(1);
  }

  /** Stops the node (once) with the given exit code; returns at once, {@link #awaitExit()} waits. */
  public void stop(int code) {
    synchronized (exitCode) {
      if (exitCode.isDone() || stopping) {
        return;
      }
      stopping = true;
    }
    // before the line below, so that nothing the stop takes down is replaced after it
    quiesce.forEach(Runnable::run);
    LOG.info("Node stopping id={}", identity.id());
    Thread stopper = new Thread(() -> {
      tearDown();
      exitCode.complete(code);
    }, "node-stop");
    stopper.start();
  }

  /** Blocks until the node has stopped; returns its exit code (0 after a requested stop). */
  public int awaitExit() throws InterruptedException {
    try {
      return exitCode.get();
    } catch (java.util.concurrent.ExecutionException e) {
      return 1;
    }
  }

  private void tearDown() {
    stopping = true;
    quiesce.forEach(Runnable::run);
    Runnable step;
    while ((step = teardown.poll()) != null) {
      try {
        step.run();
      } catch (RuntimeException e) {
        LOG.warn("Error while stopping: {}", e.getMessage());
      }
    }
  }

  public String id() {
    return identity.id();
  }

  public String publicXkey() {
    return identity.publicXkey();
  }

  public Duration uptime() {
    return Duration.between(startedAt, Instant.now());
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void recordRunState(Path file, Path workDir, long internalServerPid) {
    try {
      RunState.of(workDir, internalServerPid).write(file);
    } catch (IOException e) {
      LOG.warn("Could not update {}: {}", file, e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      DirectoryTree.delete(dir);
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", dir, e.getMessage());
    }
  }

  /** Services: time since deploy. Functions: total execution time, as Nex shows it. */
  private String runtime(Deployment d) {
    boolean function = WorkloadType.parse(d.type()).map(WorkloadType::isFunction).orElse(false);
    if (!function) {
      return Uptime.format(Duration.between(d.deployedAt(), Instant.now()));
    }
    Duration ran = triggers.runtime(d.id());
    return ran.toMillis() < 1000 ? ran.toMillis() + "ms" : Uptime.format(ran);
  }

  /** The read-only face the control handlers see. */
  private final class View implements NodeView {
    @Override public String id() { return identity.id(); }
    @Override public String nexus() { return options.nexus(); }
    @Override public String publicXkey() { return identity.publicXkey(); }
    @Override public Map<String, String> tags() { return tags; }
    @Override public Duration uptime() { return Node.this.uptime(); }
    @Override public int runningWorkloads() { return deployments.count(); }
    @Override public List<MachineSummary> machines(String namespace) {
      return deployments.inNamespace(namespace).stream()
          .map(d -> new MachineSummary(d.id(), d.sandbox().isAlive(),
              Uptime.format(Duration.between(d.deployedAt(), Instant.now())), d.namespace(),
              new WorkloadSummary(d.name(), d.description(), runtime(d), d.type(), d.hash(), d.essential()),
              d.hosted() ? d.session().id() : null))
          .toList();
    }
    @Override public String sandboxKind() { return sandboxKind; }
    @Override public List<PooledAgent> pool() { return pool == null ? List.of() : pool.snapshot(); }
    @Override public List<String> supportedWorkloadTypes() { return options.config().workloadTypes(); }
    @Override public boolean runs(String type) { return Node.this.runs(type); }
    @Override public boolean lameDuck() { return lameDuck != null && lameDuck.active(); }
    @Override public Capacity capacity() {
      long max = options.config().nodeLimits().maxWorkloads();
      return new Capacity(pool == null ? 0 : pool.readyCount(), max > 0 ? Math.max(0, max - deployments.count()) : -1,
          HostMemory.read().available() * 1024, deployer == null ? 0 : deployer.functionHosts(),
          deployer == null ? 0 : deployer.freeFunctionSlots());
    }
    @Override public boolean hasRoomFor(long bytes) {
      NodeConfig.NodeLimits limits = options.config().nodeLimits();
      return (limits.maxWorkloads() <= 0 || deployments.count() < limits.maxWorkloads())
          && (limits.maxWorkloadBytes() <= 0 || bytes <= limits.maxWorkloadBytes())
          && (limits.maxTotalBytes() <= 0 || deployments.totalBytes() + bytes <= limits.maxTotalBytes());
    }
  }
}
