package io.nex.node;

import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.XKeyPair;

/**
 * Who the node is for this run: a server nkey whose public key is the node id, and a curve key
 * that senders seal environments to. Both are fresh on every start, as in Nex 0.2.7.
 */
public record NodeIdentity(NKeyPair serverKey, XKeyPair xkey) {
  public static NodeIdentity generate() {
    return new NodeIdentity(NKeyPair.create(KeyType.SERVER), XKeyPair.create());
  }

  public String id() {
    return serverKey.publicKey();
  }

  public String publicXkey() {
    return xkey.publicKey();
  }
}
