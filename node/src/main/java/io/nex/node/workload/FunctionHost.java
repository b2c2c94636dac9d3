package io.nex.node.workload;

import io.nex.api.agent.AddFunctionRequest;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.HostMemory;
import io.nex.node.session.AgentSession;
import io.nex.node.session.SessionListener;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One function host as the node sees it (ours): a sandbox from the pool whose agent runs many
 * functions of one tenant. It is the session's one listener, and hands each function's log lines
 * to that function's relay, and the sandbox's end to every function in it. Its slots count the
 * functions in it and the adds on their way, so placement never overfills it; the memory its
 * agent reported with its last add tells whether it has room for more.
 */
final class FunctionHost implements SessionListener {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionHost.class);

  private final AgentSession session;
  private final Tenant tenant;
  private final Map<String, SessionListener> functions = new ConcurrentHashMap<>();
  /** Sizes of the artifacts already handed over, by hash: a second function of one hash gets no copy. */
  private final Map<String, Long> artifacts = new ConcurrentHashMap<>();
  /** Guarded by the {@link FunctionHosts} that places functions. */
  private int taken;
  private volatile boolean gone;
  /** As the agent answered the last add; null before the first. */
  private volatile HostMemory memory;
  /** Guarded by the {@link FunctionHosts} that places functions: its being full was logged. */
  private boolean fullLogged;

  /** Functions share a host only if they share namespace and issuer. */
  record Tenant(String namespace, String issuer) {}

  FunctionHost(AgentSession session, Tenant tenant) {
    this.session = session;
    this.tenant = tenant;
  }

  AgentSession session() {
    return session;
  }

  String id() {
    return session.id();
  }

  Tenant tenant() {
    return tenant;
  }

  boolean gone() {
    return gone;
  }

  int taken() {
    return taken;
  }

  void take() {
    taken++;
  }

  /** What the agent holds now, as it answered an add (null from an agent that does not say). */
  void measured(HostMemory reported) {
    if (reported != null) {
      memory = reported;
    }
  }

  /** As the agent last reported it; null before its first add's answer and after a function left. */
  HostMemory memory() {
    return memory;
  }

  /** A function left: the host may have room again, which its next add's answer will tell. */
  void memoryUnknown() {
    memory = null;
  }

  /** True the first time only: the operator is told once that this host filled up in memory. */
  boolean firstTimeFull() {
    boolean first = !fullLogged;
    fullLogged = true;
    return first;
  }

  /** One slot fewer in use; true if the host is empty now. */
  boolean free() {
    return --taken == 0;
  }

  int functionCount() {
    return functions.size();
  }

  List<String> functionIds() {
    return List.copyOf(functions.keySet());
  }

  /** From now on the function's log lines, and the host's end, go to {@code relay}. */
  void attach(String functionId, SessionListener relay) {
    functions.put(functionId, relay);
  }

  void detach(String functionId) {
    functions.remove(functionId);
  }

  /**
   * Copies the artifact into the host once per hash, as a deploy into a fresh sandbox would
   * (docs/architecture.md, "Artifact hand-over"). Synchronized: a second deploy of the same hash
   * waits until the file is whole.
   */
  synchronized void handOver(Artifact artifact) throws IOException {
    if (artifacts.containsKey(artifact.sha256())) {
      return;
    }
    try (WritableByteChannel to = session.sandbox().createArtifact(AddFunctionRequest.artifactFile(artifact.sha256()))) {
      Deployer.copy(artifact, to);
    }
    artifacts.put(artifact.sha256(), artifact.size());
  }

  /** The size of the artifact of {@code sha256} (lower case) if it was handed over whole; empty if not (yet). */
  OptionalLong heldSize(String sha256) {
    Long size = artifacts.get(sha256);
    return size == null ? OptionalLong.empty() : OptionalLong.of(size);
  }

  @Override
  public void log(AgentLogLine line) {
    Optional<String> function = line.functionId();
    if (function.isEmpty()) {
      // the agent's own lines (its trigger socket failed, say) are for the node's operator, not for a tenant's log
      LOG.warn("Function host's agent: {} vmid={}", line.text(), id());
      return;
    }
    SessionListener relay = functions.get(function.get());
    if (relay != null) {
      relay.log(line);
    }
  }

  /** The host's sandbox ended: every function in it ends with it. */
  @Override
  public void exited(int code) {
    gone = true;
    List.copyOf(functions.values()).forEach(relay -> relay.exited(code));
  }

  @Override
  public String toString() {
    return "FunctionHost[" + id() + ", " + tenant.namespace() + ", " + functions.size() + " functions]";
  }
}
