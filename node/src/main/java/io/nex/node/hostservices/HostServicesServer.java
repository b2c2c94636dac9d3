package io.nex.node.hostservices;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.agent.FunctionHeaders;
import io.nex.api.trace.TraceParent;
import io.nex.node.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.nex.node.concurrent.BoundedWorkers;
import io.nex.node.config.NodeConfig;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.workload.Deployment;
import io.nex.node.workload.Deployments;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code hostint.{id}.rpc.{ns}.{workload}.{service}.{method}} for functions and services
 * in sandboxes. The workload a call acts for is the one deployed in sandbox {@code id} — which
 * the internal server vouches for — never the names in the rest of the subject, so a workload
 * cannot reach another's buckets by writing its name there.
 */
public final class HostServicesServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostServicesServer.class);

  private final Connection internal;
  private final Deployments deployments;
  private final NodeMetrics metrics;
  private final Tracing tracing;
  private final Map<String, HostService> services = new HashMap<>();
  private final Map<String, String> disabled = new HashMap<>();
  /** Calls block on NATS or HTTP (2.5 s at most); more at once than this queue up, and past the queue are refused. */
  private static final int WORKERS = 16;
  private static final int QUEUED = 256;

  private final ExecutorService workers = BoundedWorkers.create("host-service", WORKERS, QUEUED);
  private Dispatcher dispatcher;

  public HostServicesServer(Connection internal, Connection services, Deployments deployments,
      NodeConfig.Services config, List<String> deniedSubjects, NodeMetrics metrics, Tracing tracing) {
    this.internal = internal;
    this.metrics = metrics;
    this.tracing = tracing;
    this.deployments = deployments;
    offer("kv", config.kv(), () -> new KeyValueService(services));
    offer("objectstore", config.objectstore(), () -> new ObjectStoreService(services));
    offer("messaging", config.messaging(), () -> new MessagingService(services, deniedSubjects));
    offer("http", config.http(), () -> new HttpService(allowedHosts(config.http())));
  }

  private void offer(String name, NodeConfig.ServiceToggle toggle, Supplier<HostService> service) {
    if (toggle == null || toggle.enabled()) {
      services.put(name, service.get());
    } else {
      disabled.put(name, name + " is disabled on this node");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> allowedHosts(NodeConfig.ServiceToggle http) {
    Object hosts = http == null || http.config() == null ? null : http.config().get("allowed_hosts");
    return hosts instanceof List<?> list ? list.stream().map(h -> h.toString().toLowerCase()).toList() : List.of();
  }

  public void start() {
    dispatcher = internal.createDispatcher(msg -> {
      try {
        workers.execute(() -> answer(msg));
      } catch (RejectedExecutionException e) {
        reply(msg, new ServiceReply(503, "host services are busy (" + QUEUED + " calls waiting); try again",
            new byte[0]));
      }
    });
    dispatcher.subscribe("hostint.*.rpc.>");
  }

  private void answer(Message msg) {
    if (msg.getReplyTo() == null) {
      return;
    }
    String[] tokens = msg.getSubject().split("\\.");
    ServiceReply reply;
    if (tokens.length != 7) {
      reply = ServiceReply.badRequest("expected hostint.{id}.rpc.{ns}.{workload}.{service}.{method}");
    } else {
      // a call the agent traced continues its trace here: it carries the function's context
      Span span = tracing.on() && msg.hasHeaders() && msg.getHeaders().containsKey(TraceParent.HEADER)
          ? tracing.received("host service " + tokens[5] + "." + tokens[6], SpanKind.SERVER, msg.getHeaders())
              .setAttribute("nex.host_service", tokens[5])
              .setAttribute("nex.host_service_method", tokens[6])
              .setAttribute("nex.sandbox_id", tokens[1])
          : null;
      reply = call(tokens[1], tokens[3], tokens[4], tokens[5], tokens[6], msg);
      metrics.hostServiceCall(tokens[5], tokens[6], reply.code());
      if (span != null) {
        span.setAttribute("nex.host_service_code", reply.code());
        if (reply.code() >= 400) {
          span.setStatus(StatusCode.ERROR, reply.message() == null ? "code " + reply.code() : reply.message());
        }
        span.end();
      }
    }
    reply(msg, reply);
  }

  private void reply(Message msg, ServiceReply reply) {
    if (msg.getReplyTo() == null) {
      return;
    }
    Headers headers = new Headers()
        .put(FunctionHeaders.HS_CODE, Integer.toString(reply.code()))
        .put(FunctionHeaders.HS_MESSAGE, reply.message());
    internal.publish(msg.getReplyTo(), headers, reply.body());
  }

  private ServiceReply call(String sandboxId, String namespace, String workloadName, String service, String method,
      Message msg) {
    Optional<Deployment> workload = deployments.runningIn(sandboxId, namespace, workloadName);
    if (workload.isEmpty()) {
      return ServiceReply.notFound("no workload runs in sandbox " + sandboxId);
    }
    Deployment d = workload.get();
    if (!d.namespace().equals(namespace) || !d.name().equals(workloadName)) {
      return ServiceReply.forbidden("sandbox " + sandboxId + " runs " + d.namespace() + "/" + d.name()
          + ", not " + namespace + "/" + workloadName);
    }
    if (disabled.containsKey(service)) {
      return new ServiceReply(503, disabled.get(service), new byte[0]);
    }
    HostService target = services.get(service);
    if (target == null) {
      return ServiceReply.notFound("No such host service: " + service);
    }
    try {
      return target.call(d, method, msg);
    } catch (Exception e) {
      LOG.debug("Host service {}.{} failed for workload {}: {}", service, method, d.id(), e.toString());
      return ServiceReply.failed(service + "." + method + " failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
    workers.shutdownNow();
  }
}
