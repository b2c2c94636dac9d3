package io.nex.node.control;

import io.nats.client.impl.Headers;
import io.nex.api.control.NodeSignature;
import io.nex.keys.NKeyPair;
import java.util.Optional;

/**
 * Signs every answer of the control API with the node's own nkey, and adds the node issuer's
 * vouch when the node has one (see {@link NodeSignature}), so that the CLI can refuse an
 * impostor answering in a node's place.
 */
public final class ReplySigner {
  private final NKeyPair nodeKey;
  private final Optional<String> vouch;

  /** @param issuer the node issuer (an operator key) that vouches for this node, if any */
  public ReplySigner(NKeyPair nodeKey, Optional<NKeyPair> issuer) {
    this.nodeKey = nodeKey;
    this.vouch = issuer.map(i -> i.publicKey() + "."
        + NodeSignature.encode(i.sign(NodeSignature.vouched(nodeKey.publicKey()))));
  }

  Headers headers(String replySubject, byte[] body) {
    Headers headers = new Headers();
    headers.put(NodeSignature.SIGNATURE_HEADER, NodeSignature.encode(nodeKey.sign(NodeSignature.signed(replySubject, body))));
    vouch.ifPresent(v -> headers.put(NodeSignature.VOUCH_HEADER, v));
    return headers;
  }
}
