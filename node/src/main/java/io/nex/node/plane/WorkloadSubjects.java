package io.nex.node.plane;

import java.util.Optional;
import java.util.Set;

/**
 * What a workload may say on the control plane through its sandbox's bridge. The control plane
 * is shared with the nodes and the users' own clients, so a workload must not read or write what
 * belongs to them: the Nex API and its events and logs ({@code $NEX}), the server's own subjects
 * ({@code $SYS}), JetStream and the buckets on it ({@code $JS}, {@code $JSC}, {@code $KV},
 * {@code $O}: the node's {@code NEX_*} buckets and the CLI's uploads among them), and replies
 * meant for other clients ({@code _INBOX}). Everything else is the users' own and passes.
 *
 * <p>Inboxes: a client subscribes to its own inbox by its random name ({@code _INBOX.<nuid>} or
 * {@code _INBOX.<nuid>.*}), which no one else can guess; only a subscription that would catch
 * inboxes by wildcard is refused ({@code _INBOX.>}, {@code _INBOX.*}, {@code >}, {@code *.x}).
 * Publishing to an inbox stays allowed: that is how a service answers a request.
 */
public final class WorkloadSubjects {
  /** First tokens a workload may neither publish nor subscribe under. */
  static final Set<String> RESERVED = Set.of("$NEX", "$SYS", "$JS", "$JSC", "$KV", "$O");
  private static final String INBOX = "_INBOX";

  private WorkloadSubjects() {}

  /** Why a subscription to {@code subject} is refused, or empty when it may be made. */
  public static Optional<String> refusesSubscription(String subject) {
    String[] tokens = subject.split("\\.", -1);
    String first = tokens[0];
    if (isWildcard(first)) {
      return Optional.of("a wildcard first token would catch the control plane's own subjects");
    }
    if (RESERVED.contains(first)) {
      return Optional.of(first + " belongs to the control plane");
    }
    if (first.equals(INBOX) && (tokens.length < 2 || isWildcard(tokens[1]))) {
      return Optional.of("other clients' inboxes cannot be subscribed to; name your own");
    }
    return Optional.empty();
  }

  /** Why a publish to {@code subject} asking for replies on {@code reply} (or null) is refused. */
  public static Optional<String> refusesPublish(String subject, String reply) {
    String first = subject.split("\\.", 2)[0];
    if (RESERVED.contains(first)) {
      return Optional.of(first + " belongs to the control plane");
    }
    // a reply subject makes the responder publish there for us
    if (reply != null && RESERVED.contains(reply.split("\\.", 2)[0])) {
      return Optional.of("replies cannot be sent to the control plane's own subjects");
    }
    return Optional.empty();
  }

  private static boolean isWildcard(String token) {
    return token.equals("*") || token.equals(">");
  }
}
