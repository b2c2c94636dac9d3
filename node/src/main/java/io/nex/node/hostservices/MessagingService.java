package io.nex.node.hostservices;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nex.api.Json;
import io.nex.api.agent.FunctionHeaders;
import io.nex.node.function.SubjectFilter;
import io.nex.node.workload.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code messaging}: publish, request, requestMany on the host-services connection. Subjects on
 * the deny list ({@code $NEX.>}, {@code $JS.>}, {@code $SYS.>} and the config's own) are refused:
 * a function must not speak for the node.
 */
final class MessagingService implements HostService {
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(750);
  private static final Duration REQUEST_MANY_WINDOW = Duration.ofSeconds(3);

  private final Connection connection;
  private final List<String> denied;

  MessagingService(Connection connection, List<String> denied) {
    this.connection = connection;
    this.denied = denied;
  }

  @Override
  public ServiceReply call(Deployment workload, String method, Message request) throws Exception {
    String subject = request.getHeaders() == null ? null : request.getHeaders().getFirst(FunctionHeaders.SUBJECT);
    if (subject == null || !SubjectFilter.isValid(subject) || subject.contains("*") || subject.contains(">")) {
      return ServiceReply.badRequest("missing or invalid " + FunctionHeaders.SUBJECT + " header");
    }
    if (denied.stream().anyMatch(d -> SubjectFilter.collides(d, subject))) {
      return ServiceReply.forbidden("subject " + subject + " is on this node's deny list");
    }
    return switch (method) {
      case "publish" -> {
        connection.publish(subject, request.getData());
        yield ServiceReply.ok();
      }
      case "request" -> {
        Message reply = connection.request(subject, request.getData(), REQUEST_TIMEOUT);
        yield reply == null ? ServiceReply.notFound("no reply on " + subject + " within " + REQUEST_TIMEOUT.toMillis()
            + " ms") : ServiceReply.ok(reply.getData());
      }
      case "requestMany" -> ServiceReply.ok(Json.write(requestMany(subject, request.getData())));
      default -> ServiceReply.badRequest("messaging has no method " + method);
    };
  }

  /** Every reply within the window, each base64-encoded in a JSON array. */
  private List<String> requestMany(String subject, byte[] payload) throws InterruptedException {
    String inbox = connection.createInbox();
    Subscription sub = connection.subscribe(inbox);
    List<String> replies = new ArrayList<>();
    try {
      connection.publish(subject, inbox, payload);
      long deadline = System.nanoTime() + REQUEST_MANY_WINDOW.toNanos();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        Message reply = sub.nextMessage(Duration.ofNanos(left));
        if (reply == null) {
          break;
        }
        replies.add(Base64.getEncoder().encodeToString(reply.getData()));
      }
    } finally {
      sub.unsubscribe();
    }
    return replies;
  }
}
