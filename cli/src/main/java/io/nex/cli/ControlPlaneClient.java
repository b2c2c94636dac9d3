package io.nex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nex.api.Envelope;
import io.nex.api.Json;
import io.nex.api.trace.TraceParent;
import io.nex.cli.trust.NodeReply;
import io.nex.cli.trust.NodeTrust;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The CLI's side of the control plane: request/reply with envelopes, and scatter-gather. */
public final class ControlPlaneClient implements AutoCloseable {
  private final Connection connection;
  private final Duration timeout;
  private final boolean timeoutGiven;
  private volatile Headers trace;
  private final NodeTrust trust;

  private ControlPlaneClient(Connection connection, GlobalOptions global) {
    this.connection = connection;
    this.timeout = global.timeout;
    this.timeoutGiven = global.timeoutGiven();
    this.trust = NodeTrust.of(global.trustedNodeIssuers);
  }

  public static ControlPlaneClient connect(GlobalOptions global) {
    // a bad --trusted-node-issuer is refused before anything is asked
    NodeTrust.of(global.trustedNodeIssuers);
    try {
      Options options = options(global)
          .connectionTimeout(Duration.ofSeconds(2))
          .noReconnect()
          // failures reach the user as one line from connect(); jnats need not print them too
          .errorListener(new ErrorListener() {})
          .build();
      return new ControlPlaneClient(Nats.connect(options), global);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException("cannot connect to NATS at " + global.server + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /**
   * For a command that stays up (the web view): the first connect and every later one are retried
   * forever, and {@code listener} hears each change and each failure's reason. Returns at once; the
   * client is handed over once the first connect has succeeded.
   */
  public static CompletableFuture<ControlPlaneClient> connectLasting(GlobalOptions global, ConnectionListener listener,
      ErrorListener errors) {
    NodeTrust.of(global.trustedNodeIssuers);
    CompletableFuture<ControlPlaneClient> connected = new CompletableFuture<>();
    Options options;
    try {
      options = options(global)
          .maxReconnects(-1)
          .reconnectWait(Duration.ofSeconds(1))
          .connectionListener((connection, event) -> {
            if (event == ConnectionListener.Events.CONNECTED) {
              connected.complete(new ControlPlaneClient(connection, global));
            }
            listener.connectionEvent(connection, event);
          })
          .errorListener(errors)
          .build();
    } catch (IllegalArgumentException e) {
      throw new CliException("cannot connect to NATS at " + global.server + ": " + e.getMessage());
    }
    try {
      Nats.connectAsynchronously(options, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    return connected;
  }

  private static Options.Builder options(GlobalOptions global) {
    Options.Builder builder = new Options.Builder().server(global.server).connectionName("nex-cli");
    if (global.creds != null && !global.creds.isBlank()) {
      builder.authHandler(Nats.credentials(global.creds));
    }
    return builder;
  }

  public Connection connection() {
    return connection;
  }

  /** Every request from now on carries {@code context} ({@code traceparent}), so a tracing node continues it. */
  public ControlPlaneClient traced(TraceParent context) {
    trace = new Headers().put(TraceParent.HEADER, context.header());
    return this;
  }

  /** The trace context headers of this client's requests, or null when it sends none. */
  public Headers traceHeaders() {
    return trace;
  }

  /** One request, one envelope; no answer in time is a failure naming the subject. */
  public Envelope request(String subject, byte[] body) {
    return request(subject, body, timeout);
  }

  /**
   * As {@link #request(String, byte[])}, for work that may take longer than a lookup (deploy,
   * stop): waits {@code usual}, unless the user gave {@code --timeout}, which bounds this wait too.
   */
  public Envelope request(String subject, byte[] body, Duration usual) {
    return envelope(subject, requestMessage(subject, body, usual));
  }

  /**
   * A request to one node whose answer must prove it comes from that node ({@link NodeTrust}):
   * what the CLI seals secrets to must never be an impostor's.
   *
   * @throws CliException when the answer fails the check, saying why
   */
  public Envelope requestFromNode(String subject, byte[] body, String nodeId) {
    Message reply = requestMessage(subject, body, timeout);
    Optional<String> distrust = trust.distrust(nodeId, reply);
    if (distrust.isPresent()) {
      throw new CliException("the answer on " + subject + " is not node " + nodeId + "'s (" + distrust.get()
          + "); nothing was sent to it");
    }
    return envelope(subject, reply);
  }

  private static Envelope envelope(String subject, Message reply) {
    try {
      return Json.read(reply.getData(), Envelope.class);
    } catch (Json.MalformedJsonException e) {
      throw new CliException("unreadable reply on " + subject + ": " + e.getMessage());
    }
  }

  private Message requestMessage(String subject, byte[] body, Duration usual) {
    Duration timeout = timeoutGiven ? this.timeout : usual;
    try {
      Message reply = connection.request(subject, trace, body, timeout);
      if (reply == null) {
        throw new CliException("no reply on " + subject + " within " + timeout.toMillis() + " ms");
      }
      return reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    } catch (IllegalStateException e) {
      throw new CliException("no node answered on " + subject + " (" + e.getMessage() + ")");
    }
  }

  /**
   * Publishes once and gathers the nodes' answers, each checked against the node id in its data,
   * until the timeout passes.
   */
  public List<NodeReply> gatherFromNodes(String subject, byte[] body) {
    return gatherFromNodes(subject, body, timeout, timeout);
  }

  /** As {@link #gatherFromNodes(String, byte[], Duration, Duration)}, the first answer awaited until the timeout. */
  public List<NodeReply> gatherFromNodes(String subject, byte[] body, Duration quiet) {
    return gatherFromNodes(subject, body, quiet, timeout);
  }

  /**
   * As {@link #gatherFromNodes(String, byte[])}, but done once no trusted answer has come for
   * {@code quiet} after the last one, or when none has come within {@code firstWithin} (both
   * bounded by the timeout): for an auction, where waiting out the whole deploy timeout for a bid
   * that will not come costs every deploy, and every "nobody can take it", that wait.
   */
  public List<NodeReply> gatherFromNodes(String subject, byte[] body, Duration quiet, Duration firstWithin) {
    List<NodeReply> replies = new ArrayList<>();
    String inbox = connection.createInbox();
    Subscription sub = connection.subscribe(inbox);
    // only a trusted answer starts the quiet wait: an impostor answering first must not cut
    // the wait for the real nodes short
    boolean trustedCame = false;
    try {
      connection.publish(subject, inbox, trace, body);
      long start = System.nanoTime();
      long deadline = start + timeout.toNanos();
      long firstBy = start + Math.min(timeout.toNanos(), firstWithin.toNanos());
      long wait;
      while ((wait = trustedCame ? Math.min(deadline - System.nanoTime(), quiet.toNanos())
          : firstBy - System.nanoTime()) > 0) {
        Message msg = sub.nextMessage(Duration.ofNanos(wait));
        if (msg == null) {
          break;
        }
        try {
          Envelope envelope = Json.read(msg.getData(), Envelope.class);
          NodeReply reply = new NodeReply(envelope, trust.distrust(nodeId(envelope), msg));
          replies.add(reply);
          trustedCame |= reply.trusted();
        } catch (Json.MalformedJsonException ignored) {
          // a reply we cannot read is left out rather than failing the whole listing
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sub.unsubscribe();
    }
    return replies;
  }

  private static String nodeId(Envelope envelope) {
    JsonNode id = Json.mapper().valueToTree(envelope.data()).path("node_id");
    return id.isTextual() ? id.asText() : null;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
