package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionLimits;
import io.nex.agent.function.FunctionRunner;
import io.nex.agent.function.FunctionRunners;
import io.nex.agent.hostservices.HostServicesClient;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.WorkloadType;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.events.EventTypes;
import io.nex.api.events.LogLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's one workload: takes the deploy, finds the artifact the node put in its working
 * directory, starts it, and
 * reports its output and its end to the node. One deploy per agent, ever: a second is refused.
 */
public final class WorkloadHost {
  private static final long STOP_GRACE_MILLIS = 5000;

  private final Connection connection;
  private final String sandboxId;
  private final Path workDir;
  private final Optional<WorkloadUser> workloadUser;
  private final SandboxUse use;
  private final AtomicReference<AgentDeployRequest> deployed = new AtomicReference<>();
  /** The answer to {@link #deployed}, given again to a repeat of that deploy. */
  private volatile DeployAck answered;
  private volatile WorkloadProcess process;
  private volatile FunctionHost function;
  private volatile TriggerSource triggers;
  private final CountDownLatch warmed = new CountDownLatch(1);

  /** @param workloadUser who a service workload runs as, when not as the agent */
  public WorkloadHost(Connection connection, String sandboxId, Path workDir, Optional<WorkloadUser> workloadUser,
      SandboxUse use) {
    this.connection = connection;
    this.use = use;
    this.sandboxId = sandboxId;
    this.workDir = workDir;
    this.workloadUser = workloadUser;
  }

  /**
   * Warms the deploy path in the background. A deploy waits for it to finish: running both at
   * once would only make the deploy compete with the warming for the CPU.
   */
  public void warmUp() {
    Thread warmer = new Thread(() -> {
      DeployPathWarmer.warm(workDir);
      warmed.countDown();
      // after the latch: a deploy never waits for V8 (seconds in an emulated VM); a JavaScript
      // deploy arriving meanwhile waits only for V8's load, which it needs anyway
      FunctionRunners.warmJavaScript();
    }, "deploy-path-warmer");
    warmer.setDaemon(true);
    warmer.start();
  }

  public void handleDeploy(Message message) {
    try {
      warmed.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    AgentDeployRequest request;
    try {
      request = Json.read(message.getData(), AgentDeployRequest.class);
    } catch (Json.MalformedJsonException e) {
      reply(message, new DeployAck(false, e.getMessage()));
      return;
    }
    if (!use.claim(SandboxUse.Use.WORKLOAD)) {
      reply(message, new DeployAck(false, "this agent is a function host; sandboxes are never reused"));
      return;
    }
    if (!deployed.compareAndSet(null, request)) {
      // the node sends a deploy again when its answer seems lost (e.g. the internal server restarted):
      // the same deploy gets the same answer (deploys are handled one at a time, so it is there)
      DeployAck first = answered;
      reply(message, request.equals(deployed.get()) && first != null ? first
          : new DeployAck(false, "this agent already ran a workload; sandboxes are never reused"));
      return;
    }
    Optional<String> refusal = start(request);
    if (refusal.isPresent()) {
      answered = new DeployAck(false, refusal.get());
      reply(message, answered);
      event(EventTypes.WORKLOAD_UNDEPLOYED, new WorkloadEvent(request.workloadName(), -1, refusal.get()));
      return;
    }
    // the node publishes workload_deployed when this answer arrives
    answered = new DeployAck(true, "Workload deployed");
    reply(message, answered);
    WorkloadProcess service = process;
    if (service != null) {
      service.relayOutput(this::log);
    }
  }

  private Optional<String> start(AgentDeployRequest request) {
    Optional<WorkloadType> type = WorkloadType.parse(request.workloadType());
    if (type.isEmpty()) {
      return Optional.of("unsupported workload type \"" + request.workloadType() + "\"");
    }
    if (request.hash() == null || request.workloadName() == null) {
      return Optional.of("deploy request lacks a hash or a workload name");
    }
    Path artifact = workDir.resolve(AgentDeployRequest.ARTIFACT_FILE);
    if (request.fetchArtifact()) {
      // a VM: our disk is not the node's, so the bytes come over the internal server
      try {
        ArtifactDownloader.download(connection, sandboxId, request.totalBytes(), request.hash(), artifact);
      } catch (ArtifactDownloader.ArtifactException e) {
        return Optional.of(e.getMessage());
      }
    }
    // the node put it there, checked against request.hash(), before telling us (see ArtifactHandover)
    try {
      long size = Files.size(artifact);
      if (size != request.totalBytes()) {
        return Optional.of("the artifact is " + size + " bytes, the deploy says " + request.totalBytes());
      }
    } catch (IOException e) {
      return Optional.of("the node did not hand over the artifact: " + e.getMessage());
    }
    return type.get().isFunction() ? startFunction(request, artifact) : startService(request, type.get(), artifact);
  }

  private Optional<String> startFunction(AgentDeployRequest request, Path artifact) {
    FunctionLimits limits = new FunctionLimits(Duration.ofMillis(request.functionTimeoutMs()), request.memsizeMib(),
        request.maxScriptBytes());
    try {
      FunctionRunner runner = FunctionRunners.create(request.workloadType(), Files.readAllBytes(artifact),
          request.environment(), limits,
          new HostServicesClient(connection, sandboxId, request.namespace(), request.workloadName()),
          line -> log(line, false));
      FunctionHost host = new FunctionHost(runner);
      function = host;
      if (!request.triggerSocket()) {
        triggers = new NatsTriggers(connection, sandboxId, host);
        return Optional.empty();
      }
      try {
        // relative to our working directory: its absolute path is often too long for a Unix socket
        triggers = SocketTriggers.listen(Path.of(AgentDeployRequest.TRIGGER_SOCKET_FILE), TriggerTargets.only(host),
            line -> log(line, true));
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of("cannot listen on the trigger socket: " + e.getMessage());
      }
    } catch (FunctionException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.of("cannot read the artifact: " + e.getMessage());
    }
  }

  private Optional<String> startService(AgentDeployRequest request, WorkloadType type, Path artifact) {
    ProcessBuilder builder = WorkloadCommand.forService(type, artifact, request.argv(), request.environment(),
        request.memsizeMib(), workDir, workloadUser);
    try {
      WorkloadProcess started = WorkloadProcess.start(builder);
      process = started;
      started.onExit().thenAccept(code -> event(EventTypes.WORKLOAD_UNDEPLOYED,
          new WorkloadEvent(request.workloadName(), code, "Workload exited with code " + code)));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot start the workload: " + e.getMessage());
    }
  }

  public void handleUndeploy(Message message) {
    shutdown();
    if (message.getReplyTo() != null) {
      connection.publish(message.getReplyTo(), "{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Stops the workload if one runs. */
  public void shutdown() {
    WorkloadProcess running = process;
    if (running != null) {
      running.stop(STOP_GRACE_MILLIS);
    }
    TriggerSource source = triggers;
    if (source != null) {
      triggers = null;
      source.close();
    }
    FunctionHost runningFunction = function;
    if (runningFunction != null) {
      function = null;
      runningFunction.stop();
    }
  }

  private void log(String line, boolean isStderr) {
    connection.publish(Subjects.agentLogs(sandboxId),
        Json.write(new AgentLogLine("workload", isStderr ? LogLine.ERROR : LogLine.INFO, line)));
  }

  private void event(String type, WorkloadEvent event) {
    connection.publish(Subjects.agentEvents(sandboxId, type), Json.write(event));
  }

  private void reply(Message message, DeployAck ack) {
    if (message.getReplyTo() != null) {
      connection.publish(message.getReplyTo(), Json.write(ack));
    }
  }
}
