package io.nex.node.plane;

import java.util.Locale;
import java.util.Optional;

/**
 * Judges what a workload sends to the control plane: {@code SUB} and {@code PUB}/{@code HPUB}
 * by {@link WorkloadSubjects}, everything else passes (the server handles what is malformed).
 * A refusal reads as nats-server's own, so clients report it as a permissions violation.
 */
final class ClientJudge implements FrameReader.Judge {
  @Override
  public String judge(String line) {
    String[] t = FrameReader.tokens(line);
    if (t.length == 0) {
      return null;
    }
    switch (t[0].toUpperCase(Locale.ROOT)) {
      case "SUB" -> {
        if (t.length == 3 || t.length == 4) {
          return refusal("Subscription to", t[1], WorkloadSubjects.refusesSubscription(t[1]));
        }
      }
      case "PUB" -> {
        if (t.length == 3 || t.length == 4) {
          return refusal("Publish to", t[1], WorkloadSubjects.refusesPublish(t[1], t.length == 4 ? t[2] : null));
        }
      }
      case "HPUB" -> {
        if (t.length == 4 || t.length == 5) {
          return refusal("Publish to", t[1], WorkloadSubjects.refusesPublish(t[1], t.length == 5 ? t[2] : null));
        }
      }
      default -> {
        return null;
      }
    }
    return null;
  }

  private static String refusal(String what, String subject, Optional<String> why) {
    return why.map(reason -> "-ERR 'Permissions Violation for " + what + " \"" + subject + "\": " + reason + "'\r\n")
        .orElse(null);
  }
}
