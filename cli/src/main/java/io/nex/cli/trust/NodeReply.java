package io.nex.cli.trust;

import io.nex.api.Envelope;
import java.util.Optional;

/** A node's answer, with why it cannot be trusted as that node's (empty when it can). */
public record NodeReply(Envelope envelope, Optional<String> distrust) {
  public boolean trusted() {
    return distrust.isEmpty();
  }
}
