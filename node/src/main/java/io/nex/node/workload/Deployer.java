package io.nex.node.workload;

import io.nex.api.WorkloadType;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.DeployAck;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.api.control.StopRequest;
import io.nex.api.control.StopResponse;
import io.nex.api.events.EventTypes;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.node.config.NodeConfig;
import io.nex.node.function.FunctionTriggers;
import io.nex.node.function.SubjectFilter;
import io.nex.node.pool.WarmPool;
import io.nex.node.sandbox.ParallelTeardown;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxIds;
import io.nex.node.session.AgentSession;
import io.nex.node.session.AgentSessions;
import io.nex.node.telemetry.EventPublisher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.nex.node.tracing.Step;
import io.nex.node.tracing.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deploys and stops. A deploy is a short pipeline over a {@link WorkloadSpec} (environment
 * already opened): validate (type, limits, signature and issuer, trigger subjects), stage the
 * artifact (fetched by hash, then copied into the sandbox or offered to a VM's agent), hand it to
 * a ready agent session ({@link AgentSession#deploy}), activate (triggers routed,
 * {@code workload_deployed} published). The sandbox is destroyed when the workload ends for any
 * reason: a sandbox is used for one workload and never again. Functions, where the sandbox shares
 * the node's files, go into a function host of their tenant instead ({@link FunctionHosts}, ours):
 * each has a workload id of its own, and the host goes when its last function does.
 */
public final class Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
  private static final Duration AGENT_DEPLOY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration AGENT_UNDEPLOY_TIMEOUT = Duration.ofSeconds(8);
  private static final Duration WARM_SANDBOX_WAIT = Duration.ofSeconds(5);
  private static final Duration TRIGGERS_LOST_GRACE = Duration.ofSeconds(1);
  private static final int AGENT_MEMORY_MIB = 96;

  private final NodeConfig config;
  private final XKeyPair nodeXkey;
  private final IssuerCheck issuers;
  private final ArtifactSource artifacts;
  private final WarmPool pool;
  private final AgentSessions sessions;
  private final EventPublisher events;
  private final Deployments deployments;
  private final FunctionTriggers triggers;
  private final OutputRelay relay;
  private final Tracing tracing;
  private final List<String> deniedSubjects;
  private final List<DeploymentListener> listeners = new CopyOnWriteArrayList<>();
  private final FunctionHosts hosts;
  /** Non-null once the node takes no new work (lame duck): the reason every deploy is refused with. */
  private volatile String refusal;

  /** What a deploy needs of the node: where artifacts, sandboxes and events come from and go. */
  public record Collaborators(ArtifactSource artifacts, WarmPool pool, AgentSessions sessions, EventPublisher events,
      Deployments deployments, FunctionTriggers triggers, OutputRelay relay, Tracing tracing) {
    /** Untraced. */
    public Collaborators(ArtifactSource artifacts, WarmPool pool, AgentSessions sessions, EventPublisher events,
        Deployments deployments, FunctionTriggers triggers, OutputRelay relay) {
      this(artifacts, pool, sessions, events, deployments, triggers, relay, Tracing.off());
    }
  }

  public Deployer(NodeConfig config, XKeyPair nodeXkey, Collaborators with) {
    this.config = config;
    this.nodeXkey = nodeXkey;
    this.issuers = new IssuerCheck(config.validIssuers());
    this.artifacts = with.artifacts();
    this.pool = with.pool();
    this.sessions = with.sessions();
    this.events = with.events();
    this.deployments = with.deployments();
    this.triggers = with.triggers();
    this.relay = with.relay();
    this.tracing = with.tracing();
    this.deniedSubjects = deniedSubjects(config);
    this.hosts = new FunctionHosts(config.functionsPerHost(), config.machineTemplate().memsizeMib(), sessions);
  }

  /** The trigger deny list: always {@code $SYS.>}, {@code $JS.>} and {@code $NEX.>}, plus the config's. */
  public static List<String> deniedSubjects(NodeConfig config) {
    List<String> denied = new ArrayList<>(List.of("$SYS.>", "$JS.>", "$NEX.>"));
    denied.addAll(config.denyTriggerSubjects());
    return List.copyOf(denied);
  }

  /** Tells {@code listener} of every deploy that succeeded and every workload that ended. */
  public void watch(DeploymentListener listener) {
    listeners.add(listener);
  }

  /** From now on every deploy is refused with {@code reason}; running workloads are not touched. */
  public void refuseNewWork(String reason) {
    refusal = reason;
  }

  /** A deploy from the control plane: its environment is opened here, with this node's xkey. */
  public RunResponse deploy(String namespace, DeployRequest request) throws RefusedException, InterruptedException {
    refuseIfDraining();
    return deploy(WorkloadSpec.opened(namespace, request, nodeXkey));
  }

  /**
   * Deploys {@code spec}: validate, stage the artifact, hand it to a ready agent, activate. Traced,
   * each step is a span below the deploy's (under the request's span, or a trace of its own for an
   * essential restart or takeover).
   */
  public RunResponse deploy(WorkloadSpec spec) throws RefusedException, InterruptedException {
    try (Step deploy = tracing.step("deploy workload")) {
      deploy.attribute("nex.namespace", spec.namespace());
      try {
        RunResponse deployed = deploySteps(spec);
        deploy.attribute("nex.workload_id", deployed.id());
        return deployed;
      } catch (RefusedException e) {
        deploy.failed(e.getMessage());
        throw e;
      }
    }
  }

  private RunResponse deploySteps(WorkloadSpec spec) throws RefusedException, InterruptedException {
    refuseIfDraining();
    DeployRequest request = spec.request();
    WorkloadType type;
    WorkloadJwt.Claims claims;
    String hash;
    try (Step step = tracing.step("check request")) {
      type = checkType(request);
      checkLimits();
      claims = issuers.verifyDeploy(request.workloadJwt());
      hash = signedHash(claims);
      step.attribute("nex.workload_name", claims.name()).attribute("nex.workload_type", type.wireName());
    }
    if (type.isFunction() && sessions.driver().sharesWorkDir()) {
      return deployHosted(spec, type, claims, hash);
    }
    Artifact artifact;
    try (Step step = tracing.step("fetch artifact")) {
      artifact = fetchArtifact(request, hash);
    }
    checkRoom(artifact.size());

    AgentSession session;
    try (Step step = tracing.step("take sandbox")) {
      session = pool.take(WARM_SANDBOX_WAIT)
          .orElseThrow(() -> new RefusedException("no warm sandbox became ready within " + WARM_SANDBOX_WAIT.toMillis() + " ms"));
      step.attribute("nex.sandbox_id", session.id());
    }
    Deployment deployment = new Deployment(session.id(), spec.namespace(), claims.name(), request.description(),
        type.wireName(), claims.issuer(), artifact.sha256(), artifact.size(),
        request.triggerSubjects() == null ? List.of() : request.triggerSubjects(), Instant.now(), request.essential(),
        request.retryCount(), session);
    // registered before the agent hears of it, so its first log line and its end find their workload
    deployments.add(deployment);
    session.listen(relay.relay(deployment, (code, reason) -> workloadEnded(deployment.id(), code, reason)));
    boolean asFile = sessions.driver().sharesWorkDir();
    // the trigger socket lives in the sandbox's working directory: only where the node can reach it
    Optional<Path> triggerSocket = asFile && type.isFunction()
        ? Optional.of(session.sandbox().triggerSocket()) : Optional.empty();
    try {
      try (Step step = tracing.step("stage artifact")) {
        stage(artifact, session, asFile);
      }
      DeployAck ack;
      try (Step step = tracing.step("agent start")) {
        ack = sendToAgent(session, agentRequest(spec, deployment, request.argv(), request.essential(),
            workloadMemoryMib(), !asFile, triggerSocket.isPresent()));
      }
      if (!ack.accepted()) {
        throw new RefusedException(rejection(ack));
      }
      if (type.isFunction()) {
        try (Step step = tracing.step("route triggers")) {
          route(deployment, triggerSocket);
        }
      }
    } catch (RefusedException | RuntimeException e) {
      if (deployments.remove(session.id()).isPresent()) {
        sessions.destroy(session);
      }
      throw e instanceof RefusedException r ? r : new RefusedException(e.getMessage());
    } finally {
      // a VM's agent has fetched it (or never will): the cache keeps the file, the sandbox loses access
      session.withdrawArtifact();
      pool.fill();
    }
    try (Step step = tracing.step("activate")) {
      activated(spec, deployment);
    }
    return new RunResponse(true, session.id(), claims.issuer(), claims.name());
  }

  /**
   * A function into a host of its tenant: a slot is placed, the artifact handed over unless the
   * host has it, the agent adds the function (compiling only an artifact it does not hold yet),
   * its triggers are routed over the host's socket, and {@code workload_deployed} goes out. A
   * host that holds the artifact already is asked to add the function while the node checks that
   * the location still holds that artifact, the one the signed request names: the lookup's round
   * trip to the object store then costs the deploy nothing, and if it fails the function is
   * removed again before any trigger reaches it.
   */
  private RunResponse deployHosted(WorkloadSpec spec, WorkloadType type, WorkloadJwt.Claims claims, String hash)
      throws RefusedException, InterruptedException {
    DeployRequest request = spec.request();
    // ids look alike whether a workload has a sandbox of its own or a slot in a host
    String functionId = SandboxIds.next();
    FunctionHost.Tenant tenant = new FunctionHost.Tenant(spec.namespace(), claims.issuer());
    FunctionHost host;
    try (Step step = tracing.step("place in host")) {
      host = hosts.placeInRunning(functionId, tenant).orElse(null);
    }
    boolean told = false;
    Deployment deployment;
    try {
      OptionalLong held = host == null ? OptionalLong.empty() : host.heldSize(hash);
      Artifact artifact = null;
      if (held.isEmpty()) {
        try (Step step = tracing.step("fetch artifact")) {
          artifact = fetchArtifact(request, hash);
        }
      }
      if (host == null) {
        // after the fetch: an artifact that cannot be had takes no warm sandbox
        try (Step step = tracing.step("take sandbox")) {
          host = newHost(functionId, tenant);
          step.attribute("nex.sandbox_id", host.id());
        }
      }
      long size = artifact != null ? artifact.size() : held.getAsLong();
      checkRoom(size);
      AgentSession session = host.session();
      deployment = new Deployment(functionId, spec.namespace(), claims.name(), request.description(),
          type.wireName(), claims.issuer(), hash,
          size, request.triggerSubjects(), Instant.now(), false, request.retryCount(), session);
      deployments.add(deployment);
      host.attach(functionId, relay.relay(deployment, (code, reason) -> workloadEnded(functionId, code, reason)));
      if (artifact != null) {
        try (Step step = tracing.step("stage artifact")) {
          handOver(artifact, host);
        }
      }
      CompletableFuture<DeployAck> adding;
      try (Step step = tracing.step("agent start")) {
        adding = session.addFunction(new AddFunctionRequest(functionId,
            agentRequest(spec, deployment, List.of(), false, hostedFunctionMemoryMib(), false, true)),
            AGENT_DEPLOY_TIMEOUT);
        told = true;
        if (artifact == null) {
          try (Step lookup = tracing.step("fetch artifact")) {
            confirmArtifact(request, hash);
          }
        }
      }
      // a step of the deploy's own, beside the add it overlaps
      try (Step step = tracing.step("route triggers")) {
        routeHosted(deployment, host, adding.thenAccept(Deployer::accepted));
      }
      DeployAck ack = answer(adding);
      if (!ack.accepted()) {
        throw new RefusedException(rejection(ack));
      }
      host.measured(ack.hostMemory());
    } catch (RefusedException | RuntimeException e) {
      abandonHosted(functionId, told ? host : null);
      throw e instanceof RefusedException r ? r : new RefusedException(e.getMessage());
    } finally {
      // after the add, as after a deploy: a new agent's start does not compete with it (a no-op
      // when the function went into a running host)
      pool.fill();
    }
    try (Step step = tracing.step("activate")) {
      activated(spec, deployment);
    }
    return new RunResponse(true, functionId, claims.issuer(), claims.name());
  }

  /** A new host for the function, of a warm sandbox; refused when none becomes ready in time. */
  private FunctionHost newHost(String functionId, FunctionHost.Tenant tenant) throws RefusedException {
    return hosts.placeInNew(functionId, tenant, () -> {
      try {
        return pool.take(WARM_SANDBOX_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }).orElseThrow(() -> new RefusedException("no warm sandbox became ready within " + WARM_SANDBOX_WAIT.toMillis()
        + " ms"));
  }

  /**
   * A hosted deploy failed: its slot goes back (the host with it, if it was the last) and, when
   * {@code told} (the host the add went to), the host lets the function go. Removes come after
   * the add on the same connection, so the agent sees them in that order; the answer is not
   * waited for, since an agent that cannot answer is one whose host goes anyway. A host that
   * ended meanwhile has ended the function too, and there is nothing left to give back.
   */
  private void abandonHosted(String functionId, FunctionHost told) {
    deployments.remove(functionId);
    triggers.unroute(functionId);
    if (told != null) {
      told.session().removeFunction(functionId, AGENT_UNDEPLOY_TIMEOUT);
    }
    hosts.release(functionId);
  }

  /** Completes an add's stage normally only if the agent took the function. */
  private static void accepted(DeployAck ack) {
    if (!ack.accepted()) {
      throw new IllegalStateException(rejection(ack));
    }
  }

  private static String rejection(DeployAck ack) {
    return "workload rejected by agent: " + ack.message();
  }

  /** What the agent is told of a workload: the deployment's artifact, name and type, and the request's own fields. */
  private AgentDeployRequest agentRequest(WorkloadSpec spec, Deployment deployment, List<String> argv,
      boolean essential, int memsizeMib, boolean fetchArtifact, boolean triggerSocket) {
    DeployRequest request = spec.request();
    return new AgentDeployRequest(argv, request.description(), spec.environment(), essential, deployment.hash(),
        spec.namespace(), request.retriedAt(), request.retryCount(), deployment.totalBytes(),
        deployment.triggerSubjects(), deployment.name(), deployment.type(), memsizeMib, config.functionTimeoutMs(),
        config.maxScriptBytes(), fetchArtifact, triggerSocket);
  }

  /**
   * A hosted function's memory cap: the workload's, but no more than an eighth of the host's heap,
   * so that one function running as many instances at once as it may (four on two cores) cannot
   * take more than half of what its neighbours share (docs/isolation.md, "Function hosts").
   */
  private int hostedFunctionMemoryMib() {
    return Math.max(1, Math.min(workloadMemoryMib(), config.functionHostMemoryMib() / 8));
  }

  /** Function hosts running now, and the functions they have room for still. */
  public int functionHosts() {
    return hosts.hostCount();
  }

  public long freeFunctionSlots() {
    return hosts.freeSlots();
  }

  private void refuseIfDraining() throws RefusedException {
    if (refusal != null) {
      throw new RefusedException(refusal);
    }
  }

  private void checkLimits() throws RefusedException {
    long maxWorkloads = config.nodeLimits().maxWorkloads();
    if (maxWorkloads > 0 && deployments.count() >= maxWorkloads) {
      throw new RefusedException("node is at its limit of " + maxWorkloads + " workloads");
    }
  }

  /** The agent accepted the workload: the node says so (unless it has ended already). */
  private void activated(WorkloadSpec spec, Deployment deployment) {
    if (deployments.get(deployment.id()).isEmpty()) {
      return; // it ended while its deploy was being answered; its undeploy event is out already
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("workload_name", deployment.name());
    data.put("id", deployment.id());
    data.put("type", deployment.type());
    deployment.describeEssential(data);
    events.publish(deployment.namespace(), EventTypes.WORKLOAD_DEPLOYED, data);
    LOG.info("Workload deployed name={} type={} namespace={} id={}", deployment.name(), deployment.type(),
        deployment.namespace(), deployment.id());
    listeners.forEach(l -> l.deployed(spec, deployment));
  }

  private void route(Deployment deployment, Optional<Path> triggerSocket) throws RefusedException {
    try {
      triggers.route(deployment, triggerSocket);
    } catch (IOException e) {
      throw new RefusedException("cannot reach the function's trigger socket: " + e.getMessage());
    }
  }

  /**
   * To the one socket of the host, which its agent listens on from its first function on; while
   * the agent is {@code added} the function, if it has others: the server then takes the
   * subscriptions meanwhile, and triggers wait for the add.
   */
  private void routeHosted(Deployment deployment, FunctionHost host, CompletableFuture<Void> added)
      throws RefusedException {
    try {
      triggers.routeHosted(deployment, host.id(), host.session().sandbox().triggerSocket(),
          () -> triggersLost(host), added);
    } catch (IOException e) {
      throw new RefusedException("cannot reach the function host's trigger socket: " + e.getMessage());
    }
  }

  /**
   * The memory a workload may plan for (a jar's heap, a wasm function's cap). In an isolated
   * sandbox the template's memory is a hard limit shared with the agent (about 60 MiB), so the
   * workload gets the rest.
   */
  private int workloadMemoryMib() {
    int template = config.machineTemplate().memsizeMib();
    return sessions.driver().isolated() ? Math.max(32, template - AGENT_MEMORY_MIB) : template;
  }

  private WorkloadType checkType(DeployRequest request) throws RefusedException {
    WorkloadType type = WorkloadType.parse(request.type())
        .orElseThrow(() -> new RefusedException("unknown workload type \"" + request.type() + "\""));
    if (!config.enables(type)) {
      throw new RefusedException("workload type \"" + type.wireName() + "\" is not enabled on this node (enabled: "
          + String.join(", ", config.workloadTypes()) + ")");
    }
    List<String> subjects = request.triggerSubjects() == null ? List.of() : request.triggerSubjects();
    if (!type.isFunction()) {
      if (!subjects.isEmpty()) {
        throw new RefusedException("trigger_subjects are only for function types, not \"" + type.wireName() + "\"");
      }
      return type;
    }
    if (subjects.isEmpty()) {
      throw new RefusedException("a " + type.wireName() + " function needs at least one trigger subject");
    }
    if (request.essential()) {
      throw new RefusedException("functions cannot be essential");
    }
    for (String subject : subjects) {
      if (!SubjectFilter.isValid(subject)) {
        throw new RefusedException("invalid trigger subject \"" + subject + "\"");
      }
      Optional<String> denied = deniedSubjects.stream().filter(d -> SubjectFilter.collides(d, subject)).findFirst();
      if (denied.isPresent()) {
        throw new RefusedException("trigger subject \"" + subject + "\" collides with the deny list entry \""
            + denied.get() + "\"");
      }
    }
    return type;
  }

  /** The artifact's sha256 the issuer signed, in lower case as the node's own digests are. */
  private static String signedHash(WorkloadJwt.Claims claims) throws RefusedException {
    if (claims.hash() == null || claims.hash().isBlank()) {
      throw new RefusedException("workload_jwt has no artifact hash (nats.hash); it must name the artifact's sha256");
    }
    return claims.hash().toLowerCase(Locale.ROOT);
  }

  /** The artifact at the request's location, refused unless it is the one of {@code hash}, which the issuer signed. */
  private Artifact fetchArtifact(DeployRequest request, String hash) throws RefusedException {
    Artifact artifact;
    try {
      artifact = artifacts.fetch(ArtifactLocation.parse(request.location()), request.jsdomain(),
          config.nodeLimits().maxWorkloadBytes());
    } catch (ArtifactException e) {
      throw new RefusedException(e.getMessage());
    }
    if (!artifact.sha256().equals(hash)) {
      throw hashMismatch(request, hash, artifact.sha256());
    }
    return artifact;
  }

  /** Refused unless the request's location still holds the artifact of {@code hash}, which the host has already. */
  private void confirmArtifact(DeployRequest request, String hash) throws RefusedException {
    String current;
    try {
      current = artifacts.currentSha256(ArtifactLocation.parse(request.location()), request.jsdomain(),
          config.nodeLimits().maxWorkloadBytes(), hash);
    } catch (ArtifactException e) {
      throw new RefusedException(e.getMessage());
    }
    if (!current.equals(hash)) {
      throw hashMismatch(request, hash, current);
    }
  }

  private static RefusedException hashMismatch(DeployRequest request, String hash, String actual) {
    return new RefusedException("artifact hash mismatch: workload_jwt names sha256 " + hash + " but "
        + request.location() + " is " + actual);
  }

  /** Refused if {@code bytes} more would pass the node's {@code max_total_bytes}. */
  private void checkRoom(long bytes) throws RefusedException {
    long maxTotal = config.nodeLimits().maxTotalBytes();
    if (maxTotal > 0 && deployments.totalBytes() + bytes > maxTotal) {
      throw new RefusedException("deploying " + bytes + " more bytes would pass this node's max_total_bytes of "
          + maxTotal);
    }
  }

  /**
   * Puts the artifact where the agent finds it: in its sandbox, or on offer to a VM's agent (which
   * fetches it during the deploy and checks its hash).
   */
  private static void stage(Artifact artifact, AgentSession session, boolean asFile) throws RefusedException {
    if (asFile) {
      handOver(artifact, session.sandbox());
    } else {
      session.offerArtifact(artifact);
    }
  }

  /**
   * Copies the artifact into the sandbox, where the agent runs it from. No hash here: the cache
   * file was hashed as it was fetched and is named by that hash, and nothing but the node writes
   * the cache or, before the deploy, the sandbox (docs/architecture.md, "Artifact hand-over").
   */
  private static void handOver(Artifact artifact, Sandbox sandbox) throws RefusedException {
    try (WritableByteChannel to = sandbox.createArtifact()) {
      copy(artifact, to);
    } catch (IOException e) {
      throw new RefusedException("cannot hand the artifact to sandbox " + sandbox.id() + ": " + e.getMessage());
    }
  }

  /** Writes the cached artifact to {@code to}; a file-to-file transfer is a copy inside the kernel (sendfile). */
  static void copy(Artifact artifact, WritableByteChannel to) throws IOException {
    try (FileChannel from = FileChannel.open(artifact.file(), StandardOpenOption.READ)) {
      for (long at = 0; at < artifact.size(); ) {
        long moved = from.transferTo(at, artifact.size() - at, to);
        if (moved <= 0) {
          throw new IOException("the cached artifact is shorter than its " + artifact.size() + " bytes");
        }
        at += moved;
      }
    }
  }

  private DeployAck sendToAgent(AgentSession session, AgentDeployRequest request)
      throws RefusedException, InterruptedException {
    return answer(session.deploy(request, AGENT_DEPLOY_TIMEOUT));
  }

  /** The agent's answer to a deploy or an add; a call that failed is refused with its reason. */
  private static DeployAck answer(CompletableFuture<DeployAck> call) throws RefusedException, InterruptedException {
    try {
      return call.get();
    } catch (ExecutionException e) {
      throw new RefusedException(e.getCause().getMessage());
    }
  }

  private static void handOver(Artifact artifact, FunctionHost host) throws RefusedException {
    try {
      host.handOver(artifact);
    } catch (IOException e) {
      throw new RefusedException("cannot hand the artifact to sandbox " + host.id() + ": " + e.getMessage());
    }
  }

  public StopResponse stop(String namespace, StopRequest request) throws RefusedException, InterruptedException {
    if (request.workloadId() == null || request.workloadId().isBlank()) {
      throw new RefusedException("missing workload_id");
    }
    // a workload of another namespace answers like an unknown one: existence is not revealed
    Deployment deployment = deployments.get(request.workloadId())
        .filter(d -> d.namespace().equals(namespace))
        .orElseThrow(() -> new RefusedException("no such workload: " + request.workloadId()));
    issuers.verifyStop(request.workloadJwt(), deployment);
    if (deployments.remove(deployment.id()).isEmpty()) {
      throw new RefusedException("no such workload: " + request.workloadId());
    }
    undeploy(deployment);
    finish(deployment, 0, "Workload shutdown requested", DeploymentListener.Ending.REQUESTED);
    return new StopResponse(true, deployment.id(), deployment.issuer(), deployment.name());
  }

  /** The workload ended on its own (or its agent did): report it and destroy the sandbox. */
  public void workloadEnded(String id, int code, String reason) {
    deployments.remove(id).ifPresent(d -> finish(d, code,
        d.sandbox().memoryLimitKills() > 0 ? "killed by the memory limit (" + reason + ")" : reason,
        DeploymentListener.Ending.EXITED));
  }

  /**
   * A host whose trigger socket ended can run none of its functions again: they end, and the
   * host with its last one, so its tenant's next deploy takes a new host. A host whose sandbox
   * died loses its socket too; its functions end with the agent's exit, which the node has seen
   * by the time this looks, a moment later.
   */
  private void triggersLost(FunctionHost host) {
    CompletableFuture.delayedExecutor(TRIGGERS_LOST_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      List<String> functions = host.functionIds();
      // a host destroyed with its last function lost its socket too, and has nothing left to end
      if (host.gone() || functions.isEmpty()) {
        return;
      }
      LOG.warn("Function host's trigger socket ended; its functions end with it vmid={}", host.id());
      functions.forEach(id -> workloadEnded(id, 1, "the function host's trigger socket ended"));
    });
  }

  /** Stops a workload the node no longer keeps (taken over by another node, lame duck deadline). */
  public void evict(String id, String reason) {
    deployments.remove(id).ifPresent(d -> {
      try {
        undeploy(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      finish(d, 0, reason, DeploymentListener.Ending.EVICTED);
    });
  }

  /** Asks the agent to stop its workload (SIGTERM, grace, SIGKILL); the sandbox goes either way. */
  private void undeploy(Deployment deployment) throws InterruptedException {
    try {
      if (deployment.hosted()) {
        // only this function goes; the host and its other functions stay
        deployment.session().removeFunction(deployment.id(), AGENT_UNDEPLOY_TIMEOUT).get();
        return;
      }
      deployment.session().undeploy(AGENT_UNDEPLOY_TIMEOUT).get();
    } catch (ExecutionException e) {
      LOG.warn("Agent did not confirm the undeploy ({}); destroying its sandbox id={}", e.getCause().getMessage(),
          deployment.id());
    }
  }

  private void finish(Deployment deployment, int code, String reason, DeploymentListener.Ending ending) {
    triggers.unroute(deployment.id());
    if (deployment.hosted()) {
      hosts.release(deployment.id());
    } else {
      sessions.destroy(deployment.session());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", deployment.name());
    data.put("id", deployment.id());
    data.put("reason", reason);
    data.put("code", code);
    deployment.describeEssential(data);
    events.publish(deployment.namespace(), EventTypes.WORKLOAD_UNDEPLOYED, data);
    LOG.info("Workload stopped name={} id={} code={} reason=\"{}\"", deployment.name(), deployment.id(), code, reason);
    listeners.forEach(l -> l.ended(deployment, code, reason, ending));
  }

  /** Stops every workload; the node is going away. */
  public void stopAll() {
    ParallelTeardown.run("workload-teardown", deployments.all(), d -> {
      if (deployments.remove(d.id()).isPresent()) {
        finish(d, 0, "Node stopping", DeploymentListener.Ending.EVICTED);
      }
    });
  }
}
