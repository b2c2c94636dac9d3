package io.nex.agent.workload;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nex.agent.function.CompiledFunction;
import io.nex.agent.function.FunctionException;
import io.nex.agent.function.FunctionLimits;
import io.nex.agent.function.FunctionRunner;
import io.nex.agent.function.FunctionRunners;
import io.nex.agent.function.SpareIsolate;
import io.nex.agent.hostservices.HostServicesClient;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.WorkloadType;
import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.AgentDeployRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.DeployAck;
import io.nex.api.agent.RemoveFunctionRequest;
import io.nex.api.events.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The agent as a function host (ours): many functions of one tenant in this process, each with
 * its own runner (instances or isolates), memory cap, time limit, environment, host-services
 * identity, log source and queue of calls, so that a trap, timeout or memory cap hit of one stays
 * with that one. Their triggers come on one socket, listened on from the first add on, each call
 * naming its function. An artifact is compiled once and kept while any function uses it, so the
 * next function of the same hash only instantiates. The host's first add comes over the internal
 * server, the later adds and removes over the socket as well ({@link io.nex.api.agent.FunctionChange});
 * either way they run one at a time, which is what keeps the cache and the socket simple.
 */
public final class HostedFunctions implements TriggerTargets {
  private static final DeployAck ADDED = new DeployAck(true, "Function deployed");
  private static final DeployAck REMOVED = new DeployAck(true, "Function removed");
  private static final int MAX_REMOVED_BEFORE_ADDED = 1024;

  private final Connection connection;
  private final String sandboxId;
  private final Path workDir;
  private final SandboxUse use;
  private final Map<String, Hosted> functions = new ConcurrentHashMap<>();
  /** By artifact hash; touched only under this monitor, by adds and removes. */
  private final Map<String, Shared> compiled = new HashMap<>();
  /**
   * Functions removed while not here: an add that comes after its remove (the add over the
   * internal server, the remove over the socket) is refused, not left running unknown to the node.
   * Under this monitor; bounded, since the node removes an unknown function only after a failed deploy.
   */
  private final Set<String> removedBeforeAdded = new HashSet<>();
  /** Listened on at the first add; touched only under this monitor, and by shutdown. */
  private volatile SocketTriggers triggers;
  private final SpareIsolate spareIsolate = new SpareIsolate();

  private record Hosted(AddFunctionRequest request, FunctionHost host) {}

  private static final class Shared {
    final CompiledFunction function;
    int users;

    Shared(CompiledFunction function) {
      this.function = function;
    }
  }

  public HostedFunctions(Connection connection, String sandboxId, Path workDir, SandboxUse use) {
    this.connection = connection;
    this.sandboxId = sandboxId;
    this.workDir = workDir;
    this.use = use;
  }

  /** An add over the internal server: the host's first, which makes it listen on its socket. */
  public void handleAdd(Message message) {
    add(message.getData(), ack -> reply(message, ack));
  }

  /**
   * Adds the function {@code json} (an {@link AddFunctionRequest}) describes and tells
   * {@code answer}, over whichever way the add came (the internal server, or the trigger socket
   * once the node holds it). One at a time: the compile cache and the socket are this monitor's.
   */
  @Override
  public synchronized void add(byte[] json, Consumer<DeployAck> answer) {
    AddFunctionRequest request;
    try {
      request = Json.read(json, AddFunctionRequest.class);
    } catch (Json.MalformedJsonException e) {
      answer.accept(new DeployAck(false, e.getMessage()));
      return;
    }
    Hosted existing = request.functionId() == null ? null : functions.get(request.functionId());
    if (existing != null) {
      // the node sends an add again when its answer seems lost: the same add, the same answer
      answer.accept(existing.request().equals(request) ? ADDED
          : new DeployAck(false, "function " + request.functionId() + " is already deployed here"));
      return;
    }
    if (request.functionId() != null && removedBeforeAdded.remove(request.functionId())) {
      // its remove overtook it (the two came different ways): the node has let it go already
      answer.accept(new DeployAck(false, "function " + request.functionId() + " was removed before it was added"));
      return;
    }
    try {
      answer.accept(add(request));
    } catch (FunctionException e) {
      answer.accept(new DeployAck(false, e.getMessage()));
    } catch (RuntimeException e) {
      // answered all the same: the node would otherwise wait out its deadline
      answer.accept(new DeployAck(false, "cannot add the function: " + e));
    }
    // answered first: the next JavaScript function's isolate is set up while the node routes this one
    spareIsolate.refill();
  }

  private DeployAck add(AddFunctionRequest request) throws FunctionException {
    AgentDeployRequest function = request.function();
    if (!use.claim(SandboxUse.Use.FUNCTION_HOST)) {
      throw new FunctionException("this agent runs a workload of its own; sandboxes are never reused");
    }
    if (function == null || !AddFunctionRequest.isSafe(request.functionId()) || !AddFunctionRequest.isSafe(function.hash())
        || function.workloadName() == null) {
      throw new FunctionException("add function request lacks a function id, a hash or a workload name");
    }
    if (WorkloadType.parse(function.workloadType()).filter(WorkloadType::isFunction).isEmpty()) {
      throw new FunctionException("a function host runs only wasm and javascript functions, not \""
          + function.workloadType() + "\"");
    }
    Shared shared = compiled(function);
    String id = request.functionId();
    FunctionRunner runner;
    try {
      runner = shared.function.start(function.environment(),
          new HostServicesClient(connection, sandboxId, function.namespace(), function.workloadName()),
          line -> log(id, line, false));
    } catch (FunctionException | RuntimeException e) {
      release(function.hash());
      throw e;
    }
    if (triggers == null) {
      try {
        // relative to our working directory: its absolute path is often too long for a Unix socket
        triggers = SocketTriggers.listen(Path.of(AgentDeployRequest.TRIGGER_SOCKET_FILE), this,
            this::logHostLine);
      } catch (IOException e) {
        runner.close();
        release(function.hash());
        throw new FunctionException("cannot listen on the trigger socket: " + e.getMessage());
      }
    }
    functions.put(id, new Hosted(request, new FunctionHost(runner)));
    // what the host holds now, for the node's placement of the next function
    return new DeployAck(true, ADDED.message(), MemoryInUse.now());
  }

  @Override
  public FunctionHost find(String function) {
    Hosted hosted = function == null ? null : functions.get(function);
    return hosted == null ? null : hosted.host();
  }

  @Override
  public void awaitIdle() throws InterruptedException {
    for (Hosted hosted : List.copyOf(functions.values())) {
      hosted.host().awaitIdle();
    }
  }

  /** The compiled artifact, compiled now if no function of this host uses it yet; counts one more user. */
  private Shared compiled(AgentDeployRequest function) throws FunctionException {
    Shared shared = compiled.get(function.hash());
    if (shared == null) {
      Path artifact = workDir.resolve(AddFunctionRequest.artifactFile(function.hash()));
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(artifact);
      } catch (IOException e) {
        throw new FunctionException("the node did not hand over the artifact: " + e.getMessage());
      }
      if (bytes.length != function.totalBytes()) {
        throw new FunctionException("the artifact is " + bytes.length + " bytes, the deploy says " + function.totalBytes());
      }
      shared = new Shared(FunctionRunners.compile(function.workloadType(), bytes, limits(function), spareIsolate));
      compiled.put(function.hash(), shared);
    }
    shared.users++;
    return shared;
  }

  private static FunctionLimits limits(AgentDeployRequest function) {
    return new FunctionLimits(Duration.ofMillis(function.functionTimeoutMs()), function.memsizeMib(),
        function.maxScriptBytes());
  }

  private void release(String hash) {
    Shared shared = compiled.get(hash);
    if (shared != null && --shared.users == 0) {
      // the file stays: the node hands an artifact to a host once, and may deploy it here again
      compiled.remove(hash);
    }
  }

  public void handleRemove(Message message) {
    remove(message.getData(), ack -> reply(message, ack));
  }

  /** Removes the function {@code json} (a {@link RemoveFunctionRequest}) names; done also when it is not here. */
  @Override
  public synchronized void remove(byte[] json, Consumer<DeployAck> answer) {
    RemoveFunctionRequest request;
    try {
      request = Json.read(json, RemoveFunctionRequest.class);
    } catch (Json.MalformedJsonException e) {
      answer.accept(new DeployAck(false, e.getMessage()));
      return;
    }
    Hosted hosted = request.functionId() == null ? null : functions.remove(request.functionId());
    if (hosted != null) {
      // its calls still on their way find no function, and are answered so
      hosted.host().stop();
      release(hosted.request().function().hash());
    } else if (AddFunctionRequest.isSafe(request.functionId()) && removedBeforeAdded.size() < MAX_REMOVED_BEFORE_ADDED) {
      removedBeforeAdded.add(request.functionId());
    }
    answer.accept(REMOVED);
  }

  /** Stops every function; the agent is going away. */
  public void shutdown() {
    SocketTriggers open = triggers;
    if (open != null) {
      open.close();
    }
    List.copyOf(functions.keySet()).forEach(id -> {
      Hosted hosted = functions.remove(id);
      if (hosted != null) {
        hosted.host().stop();
      }
    });
    spareIsolate.close();
  }

  /** A line of the host's own (its trigger socket failed): the node's, no tenant's. */
  private void logHostLine(String line) {
    connection.publish(Subjects.agentLogs(sandboxId), Json.write(new AgentLogLine("agent", LogLine.ERROR, line)));
  }

  private void log(String functionId, String line, boolean isStderr) {
    connection.publish(Subjects.agentLogs(sandboxId),
        Json.write(AgentLogLine.ofFunction(functionId, isStderr ? LogLine.ERROR : LogLine.INFO, line)));
  }

  private void reply(Message message, DeployAck ack) {
    if (message.getReplyTo() != null) {
      connection.publish(message.getReplyTo(), Json.write(ack));
    }
  }
}
