package io.nex.node.workload;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nex.api.Json;
import io.nex.keys.KeyException;
import io.nex.keys.KeyType;
import io.nex.keys.NKeys;
import io.nex.keys.XKeyPair;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;

/**
 * Opens a deploy's {@code environment}: base64 of an xkv1 box from the sender's xkey to this
 * node's. Error messages say what was wrong with the box, never what was in it.
 */
final class SealedEnvironment {
  private SealedEnvironment() {}

  static Map<String, String> open(String environment, String senderPublicKey, XKeyPair nodeXkey)
      throws RefusedException {
    if (environment == null || environment.isBlank()) {
      return Map.of();
    }
    if (senderPublicKey == null || senderPublicKey.isBlank()) {
      throw new RefusedException("environment is sealed but sender_public_key is missing");
    }
    try {
      NKeys.requirePublicKey(senderPublicKey, KeyType.CURVE);
    } catch (KeyException e) {
      throw new RefusedException("bad sender_public_key: " + e.getMessage());
    }
    byte[] sealed;
    try {
      sealed = Base64.getDecoder().decode(environment);
    } catch (IllegalArgumentException e) {
      throw new RefusedException("environment is not base64");
    }
    byte[] plain;
    try {
      plain = nodeXkey.open(sealed, senderPublicKey);
    } catch (KeyException e) {
      throw new RefusedException("environment does not open with this node's xkey (sealed to another node, or tampered): "
          + e.getMessage());
    }
    try {
      return Json.mapper().readValue(plain, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new RefusedException("environment opened but is not a JSON object of strings");
    }
  }
}
