package io.nex.node.workload;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.WorkloadType;
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
import io.nex.node.function.SubjectFilter;
import io.nex.node.function.TriggerRouter;
import io.nex.node.internal.AgentRequests;
import io.nex.node.pool.WarmPool;
import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxFactory;
import io.nex.node.telemetry.EventPublisher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deploys and stops: checks the request (type, signature, issuer, sealed environment,
 * artifact hash, limits), hands the workload to a warm agent, and destroys the sandbox when the
 * workload ends for any reason. A sandbox is used for one workload and never again.
 */
public final class Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
  private static final Duration AGENT_DEPLOY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration AGENT_UNDEPLOY_TIMEOUT = Duration.ofSeconds(8);
  private static final Duration WARM_SANDBOX_WAIT = Duration.ofSeconds(5);
  private static final int AGENT_MEMORY_MIB = 96;

  private final NodeConfig config;
  private final XKeyPair nodeXkey;
  private final IssuerCheck issuers;
  private final ArtifactCache artifacts;
  private final ArtifactServer artifactServer;
  private final WarmPool pool;
  private final SandboxFactory sandboxes;
  private final AgentRequests agents;
  private final EventPublisher events;
  private final Deployments deployments;
  private final TriggerRouter triggers;
  private final List<String> deniedSubjects;
  private final List<DeploymentListener> listeners = new CopyOnWriteArrayList<>();
  /** Non-null once the node takes no new work (lame duck): the reason every deploy is refused with. */
  private volatile String refusal;

  public Deployer(NodeConfig config, XKeyPair nodeXkey, ArtifactCache artifacts, ArtifactServer artifactServer,
      WarmPool pool, SandboxFactory sandboxes, AgentRequests agents, EventPublisher events, Deployments deployments,
      TriggerRouter triggers) {
    this.config = config;
    this.nodeXkey = nodeXkey;
    this.issuers = new IssuerCheck(config.validIssuers());
    this.artifacts = artifacts;
    this.artifactServer = artifactServer;
    this.pool = pool;
    this.sandboxes = sandboxes;
    this.agents = agents;
    this.events = events;
    this.deployments = deployments;
    this.triggers = triggers;
    this.deniedSubjects = deniedSubjects(config);
  }

  /** The trigger deny list: always {@code $SYS.>}, {@code $JS.>} and {@code $NEX.>}, plus the config's. */
  public static List<String> deniedSubjects(NodeConfig config) {
    List<String> denied = new java.util.ArrayList<>(List.of("$SYS.>", "$JS.>", "$NEX.>"));
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

  public RunResponse deploy(String namespace, DeployRequest request) throws RefusedException, InterruptedException {
    if (refusal != null) {
      throw new RefusedException(refusal);
    }
    WorkloadType type = checkType(request);
    long maxWorkloads = config.nodeLimits().maxWorkloads();
    if (maxWorkloads > 0 && deployments.count() >= maxWorkloads) {
      throw new RefusedException("node is at its limit of " + maxWorkloads + " workloads");
    }
    WorkloadJwt.Claims claims = issuers.verifyDeploy(request.workloadJwt());
    Map<String, String> environment = SealedEnvironment.open(request.environment(), request.senderPublicKey(), nodeXkey);
    Artifact artifact = fetchArtifact(request, claims);

    Sandbox sandbox = pool.take(WARM_SANDBOX_WAIT)
        .orElseThrow(() -> new RefusedException("no warm sandbox became ready within " + WARM_SANDBOX_WAIT.toMillis() + " ms"));
    Deployment deployment = new Deployment(sandbox.id(), namespace, claims.name(), request.description(),
        type.wireName(), claims.issuer(), artifact.sha256(), artifact.size(),
        request.triggerSubjects() == null ? List.of() : request.triggerSubjects(), Instant.now(), request.essential(),
        request.retryCount(), sandbox);
    // registered before the agent hears of it, so its first log line and event find their workload
    deployments.add(deployment);
    boolean asFile = sandboxes.driver().sharesWorkDir();
    // the trigger socket lives in the sandbox's working directory: only where the node can reach it
    Optional<Path> triggerSocket = asFile && type.isFunction() ? Optional.of(sandbox.triggerSocket()) : Optional.empty();
    try {
      if (asFile) {
        handOver(artifact, sandbox);
      } else {
        artifactServer.offer(sandbox.id(), artifact);
      }
      DeployAck ack = sendToAgent(sandbox.id(), new AgentDeployRequest(request.argv(), request.description(),
          environment, request.essential(), artifact.sha256(), namespace, request.retriedAt(), request.retryCount(),
          artifact.size(), deployment.triggerSubjects(), claims.name(), type.wireName(),
          workloadMemoryMib(), config.functionTimeoutMs(), config.maxScriptBytes(), !asFile, triggerSocket.isPresent()));
      if (!ack.accepted()) {
        throw new RefusedException("workload rejected by agent: " + ack.message());
      }
      if (type.isFunction()) {
        route(deployment, triggerSocket);
      }
    } catch (RefusedException | RuntimeException e) {
      deployments.remove(sandbox.id());
      sandboxes.destroy(sandbox);
      throw e instanceof RefusedException r ? r : new RefusedException(e.getMessage());
    } finally {
      // a VM's agent has fetched it (or never will): the cache keeps the file, the sandbox loses access
      artifactServer.withdraw(sandbox.id());
      pool.fill();
    }
    sandbox.onExit().thenAccept(code -> workloadEnded(sandbox.id(), code, "agent exited with code " + code));
    LOG.info("Workload deployed name={} type={} namespace={} id={}", claims.name(), type.wireName(), namespace,
        sandbox.id());
    listeners.forEach(l -> l.deployed(namespace, request, environment, deployment));
    return new RunResponse(true, sandbox.id(), claims.issuer(), claims.name());
  }

  private void route(Deployment deployment, Optional<Path> triggerSocket) throws RefusedException {
    try {
      triggers.route(deployment, triggerSocket);
    } catch (IOException e) {
      throw new RefusedException("cannot reach the function's trigger socket: " + e.getMessage());
    }
  }

  /**
   * The memory a workload may plan for (a jar's heap, a wasm function's cap). In an isolated
   * sandbox the template's memory is a hard limit shared with the agent (about 60 MiB), so the
   * workload gets the rest.
   */
  private int workloadMemoryMib() {
    int template = config.machineTemplate().memsizeMib();
    return sandboxes.driver().isolated() ? Math.max(32, template - AGENT_MEMORY_MIB) : template;
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

  private Artifact fetchArtifact(DeployRequest request, WorkloadJwt.Claims claims) throws RefusedException {
    if (claims.hash() == null || claims.hash().isBlank()) {
      throw new RefusedException("workload_jwt has no artifact hash (nats.hash); it must name the artifact's sha256");
    }
    Artifact artifact;
    try {
      artifact = artifacts.fetch(ArtifactLocation.parse(request.location()), request.jsdomain(),
          config.nodeLimits().maxWorkloadBytes());
    } catch (ArtifactException e) {
      throw new RefusedException(e.getMessage());
    }
    if (!artifact.sha256().equalsIgnoreCase(claims.hash())) {
      throw new RefusedException("artifact hash mismatch: workload_jwt names sha256 " + claims.hash() + " but "
          + request.location() + " is " + artifact.sha256());
    }
    long maxTotal = config.nodeLimits().maxTotalBytes();
    if (maxTotal > 0 && deployments.totalBytes() + artifact.size() > maxTotal) {
      throw new RefusedException("deploying " + artifact.size() + " more bytes would pass this node's max_total_bytes of "
          + maxTotal);
    }
    return artifact;
  }

  /**
   * Copies the artifact into the sandbox, where the agent runs it from. No hash here: the cache
   * file was hashed as it was fetched and is named by that hash, and nothing but the node writes
   * the cache or, before the deploy, the sandbox (docs/architecture.md, "Artifact hand-over").
   */
  private static void handOver(Artifact artifact, Sandbox sandbox) throws RefusedException {
    try (FileChannel from = FileChannel.open(artifact.file(), StandardOpenOption.READ);
        WritableByteChannel to = sandbox.createArtifact()) {
      for (long at = 0; at < artifact.size(); ) {
        // a file-to-file transfer is a copy inside the kernel (sendfile)
        long moved = from.transferTo(at, artifact.size() - at, to);
        if (moved <= 0) {
          throw new IOException("the cached artifact is shorter than its " + artifact.size() + " bytes");
        }
        at += moved;
      }
    } catch (IOException e) {
      throw new RefusedException("cannot hand the artifact to sandbox " + sandbox.id() + ": " + e.getMessage());
    }
  }

  private DeployAck sendToAgent(String sandboxId, AgentDeployRequest request) throws RefusedException, InterruptedException {
    Message reply = agents.request(sandboxId, Subjects.agentDeploy(sandboxId), Json.write(request), AGENT_DEPLOY_TIMEOUT)
        .orElseThrow(() -> new RefusedException("agent of sandbox " + sandboxId + " did not answer the deploy within "
            + AGENT_DEPLOY_TIMEOUT.toMillis() + " ms"));
    try {
      return Json.read(reply.getData(), DeployAck.class);
    } catch (Json.MalformedJsonException e) {
      throw new RefusedException("agent of sandbox " + sandboxId + " answered nonsense: " + e.getMessage());
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
    if (agents.request(deployment.id(), Subjects.agentUndeploy(deployment.id()), new byte[0], AGENT_UNDEPLOY_TIMEOUT)
        .isEmpty()) {
      LOG.warn("Agent did not confirm the undeploy in time; destroying its sandbox id={}", deployment.id());
    }
  }

  private void finish(Deployment deployment, int code, String reason, DeploymentListener.Ending ending) {
    triggers.unroute(deployment.id());
    sandboxes.destroy(deployment.sandbox());
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
    deployments.all().parallelStream().forEach(d -> {
      if (deployments.remove(d.id()).isPresent()) {
        finish(d, 0, "Node stopping", DeploymentListener.Ending.EVICTED);
      }
    });
  }
}
