package io.nex.node.session;

import io.nats.client.impl.Headers;
import io.nex.api.Json;
import io.nex.api.agent.DeployAck;
import io.nex.node.workload.Artifact;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted transport: each call is answered by the responder set for its sandbox and kind (or
 * for its kind), and everything sent is recorded. By default every agent answers pings, accepts
 * deploys and confirms undeploys; triggers find nobody. The test speaks for the agents through
 * {@link #inbound()}.
 */
public final class FakeAgentTransport implements AgentTransport {
  /** One request as the transport saw it. */
  public record Sent(String sandboxId, AgentCall call, Headers headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** How the fake agent answers one request. */
  @FunctionalInterface
  public interface Responder {
    CompletableFuture<AgentReply> respond(Sent sent, Duration timeout);
  }

  public static Responder answer(byte[] body) {
    return (sent, timeout) -> CompletableFuture.completedFuture(AgentReply.answered(null, body));
  }

  public static Responder answer(Object json) {
    return answer(Json.write(json));
  }

  /** nats-server's 503: nobody subscribed. */
  public static Responder nobody() {
    return (sent, timeout) -> CompletableFuture.completedFuture(AgentReply.nobodyListened());
  }

  /** The request is lost: the transport times out. */
  public static Responder silent() {
    return (sent, timeout) -> new CompletableFuture<AgentReply>().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The first {@code times} requests get {@code first}, later ones {@code then}. */
  public static Responder first(int times, Responder first, Responder then) {
    AtomicInteger seen = new AtomicInteger();
    return (sent, timeout) -> (seen.incrementAndGet() <= times ? first : then).respond(sent, timeout);
  }

  private final Map<String, Responder> responders = new ConcurrentHashMap<>();
  public final List<Sent> sent = new CopyOnWriteArrayList<>();
  public final Map<String, Artifact> offered = new ConcurrentHashMap<>();
  private volatile AgentInbound inbound;
  private volatile boolean closed;

  public FakeAgentTransport() {
    when(AgentCall.PING, answer("OK".getBytes(StandardCharsets.UTF_8)));
    when(AgentCall.DEPLOY, answer(new DeployAck(true, "Workload deployed")));
    when(AgentCall.UNDEPLOY, answer("{}".getBytes(StandardCharsets.UTF_8)));
    when(AgentCall.TRIGGER, nobody());
    when(AgentCall.ADD_FUNCTION, answer(new DeployAck(true, "Function deployed")));
    when(AgentCall.REMOVE_FUNCTION, answer(new DeployAck(true, "Function removed")));
  }

  /** Every agent answers {@code call} with {@code responder}. */
  public FakeAgentTransport when(AgentCall call, Responder responder) {
    responders.put(call.name(), responder);
    return this;
  }

  /** The agent of {@code sandboxId} answers {@code call} with {@code responder}. */
  public FakeAgentTransport when(String sandboxId, AgentCall call, Responder responder) {
    responders.put(sandboxId + "/" + call.name(), responder);
    return this;
  }

  public AgentInbound inbound() {
    return inbound;
  }

  public List<Sent> sent(AgentCall call) {
    return sent.stream().filter(s -> s.call() == call).toList();
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void start(AgentInbound inbound) {
    this.inbound = inbound;
  }

  @Override
  public CompletableFuture<AgentReply> send(String sandboxId, AgentCall call, Headers headers, byte[] body,
      Duration timeout) {
    Sent request = new Sent(sandboxId, call, headers, body);
    sent.add(request);
    Responder responder = responders.getOrDefault(sandboxId + "/" + call.name(), responders.get(call.name()));
    return responder.respond(request, timeout);
  }

  @Override
  public void offerArtifact(String sandboxId, Artifact artifact) {
    offered.put(sandboxId, artifact);
  }

  @Override
  public void withdrawArtifact(String sandboxId) {
    offered.remove(sandboxId);
  }

  @Override
  public void close() {
    closed = true;
  }
}
