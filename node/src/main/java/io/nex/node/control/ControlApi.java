package io.nex.node.control;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.ResponseTypes;
import io.nex.api.Subjects;
import io.nex.node.concurrent.BoundedWorkers;
import io.nex.node.lameduck.LameDuck;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.tracing.Tracing;
import io.nex.node.workload.Deployer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@code $NEX} subscriptions on the control plane. Every request is answered with an
 * envelope; a handler's refusal becomes its {@code error}, and no request can take the node down.
 */
public final class ControlApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);

  /** Requests larger than this are refused before being parsed. */
  static final int MAX_REQUEST_BYTES = 256 * 1024;

  private final Connection connection;
  private final NodeView node;
  private final Deployer deployer;
  private final LameDuck lameDuck;
  private final NodeMetrics metrics;
  private final Tracing tracing;
  private final ReplySigner signer;
  private Dispatcher dispatcher;
  /** Deploys wait for artifacts and agents; more at once than this only queue up, and past the queue are refused. */
  private static final int WORKERS = 16;
  private static final int QUEUED = 512;
  /** The requests that are traced, by reply type, and their spans' names. */
  private static final Map<String, String> TRACED = Map.of(ResponseTypes.RUN, "nex deploy", ResponseTypes.STOP,
      "nex stop", ResponseTypes.AUCTION, "nex auction", ResponseTypes.LAMEDUCK, "nex lameduck");

  private final ExecutorService workers = BoundedWorkers.create("control-request", WORKERS, QUEUED);

  public ControlApi(Connection connection, NodeView node, Deployer deployer, LameDuck lameDuck, NodeMetrics metrics,
      Tracing tracing, ReplySigner signer) {
    this.connection = connection;
    this.tracing = tracing;
    this.signer = signer;
    this.node = node;
    this.deployer = deployer;
    this.lameDuck = lameDuck;
    this.metrics = metrics;
  }

  public void start() throws InterruptedException, TimeoutException {
    dispatcher = connection.createDispatcher();
    RequestHandler ping = new PingHandler(node);
    serve(Subjects.ping(), ResponseTypes.PING, ping);
    serve(Subjects.ping(node.id()), ResponseTypes.PING, ping);
    serve(Subjects.info("*", node.id()), ResponseTypes.INFO, new InfoHandler(node));
    serve(Subjects.auction(), ResponseTypes.AUCTION, new AuctionHandler(node));
    serve(Subjects.deploy("*", node.id()), ResponseTypes.RUN, new DeployHandler(deployer, metrics));
    serve(Subjects.stop("*", node.id()), ResponseTypes.STOP, new StopHandler(deployer));
    serve(Subjects.lameDuck(node.id()), ResponseTypes.LAMEDUCK, new LameDuckHandler(node.id(), lameDuck));
    // make sure the server has our interest before we announce ourselves
    connection.flush(Duration.ofSeconds(2));
  }

  /**
   * Answers each request on {@code subject} on a worker thread, so that a slow deploy never holds
   * up a ping. A handler returning {@code null} sends no reply (an auction this node does not
   * bid in).
   */
  private void serve(String subject, String type, RequestHandler handler) {
    dispatcher.subscribe(subject, msg -> {
      try {
        workers.execute(() -> answer(msg, type, handler));
      } catch (RejectedExecutionException e) {
        // an auction is answered only by bidders: a busy node simply does not bid
        if (msg.getReplyTo() != null && !type.equals(ResponseTypes.AUCTION)) {
          reply(msg.getReplyTo(), null, Envelope.failure(type, "node " + node.id()
              + " is busy (" + QUEUED + " requests waiting); try again shortly"));
        }
      }
    });
  }

  /**
   * Answers one request. A deploy, stop, auction or lame-duck request is traced (when tracing is
   * on): its span is current while the handler runs, so the deploy's steps are its children, and
   * the reply carries its context back. Pings and INFO, which dashboards send every few seconds,
   * are not.
   */
  private void answer(Message msg, String type, RequestHandler handler) {
    Span span = tracing.on() && TRACED.containsKey(type)
        ? tracing.received(TRACED.get(type), SpanKind.SERVER, msg.getHeaders())
            .setAttribute("messaging.destination.name", msg.getSubject())
        : null;
    Envelope reply;
    try (Scope scope = span == null ? null : span.makeCurrent()) {
      reply = reply(msg, type, handler);
    }
    if (span != null) {
      if (reply != null && reply.failed()) {
        span.setStatus(StatusCode.ERROR, reply.error());
      }
      span.end();
    }
    if (reply != null && msg.getReplyTo() != null) {
      reply(msg.getReplyTo(), span, reply);
    }
  }

  private Envelope reply(Message msg, String type, RequestHandler handler) {
    Envelope reply;
    try {
      if (msg.getData() != null && msg.getData().length > MAX_REQUEST_BYTES) {
        throw new RequestRefusedException("request is " + msg.getData().length + " bytes, over the limit of "
            + MAX_REQUEST_BYTES);
      }
      Object data = handler.handle(msg);
      if (data == null) {
        return null;
      }
      reply = Envelope.ok(type, data);
    } catch (RequestRefusedException e) {
      reply = Envelope.failure(type, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Request on {} failed", msg.getSubject(), e);
      reply = Envelope.failure(type, "internal error: " + e.getClass().getSimpleName());
    }
    return reply;
  }

  /**
   * Every answer is signed: the asker can tell this node from an impostor answering for it. A
   * traced one carries its context back too.
   */
  private void reply(String replyTo, Span span, Envelope envelope) {
    byte[] body = Json.write(envelope);
    Headers headers = signer.headers(replyTo, body);
    try {
      connection.publish(replyTo, span == null ? headers : Tracing.inject(span, headers), body);
    } catch (IllegalStateException e) {
      // jnats refuses a publish it cannot queue (closed connection, full reconnect buffer): the
      // asker will time out, so at least the node's log says what became of its answer
      LOG.warn("Could not answer a {} request: {}", envelope.type(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      connection.closeDispatcher(dispatcher);
    }
    workers.shutdown();
  }
}
