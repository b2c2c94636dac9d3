package io.nex.keys;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Hand-made JWTs for tests: any header and claims, validly signed by any key. */
final class Jwts {
  private Jwts() {
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String signed(NKeyPair signer, String headerJson, String claimsJson) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    byte[] signature = signer.sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  static String signed(NKeyPair signer, String claimsJson) {
    return signed(signer, "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}", claimsJson);
  }

  static String claims(NKeyPair issuer, String sub) {
    return "{\"jti\":\"x\",\"iat\":1,\"iss\":\"" + issuer.publicKey() + "\",\"sub\":\"" + sub
        + "\",\"nats\":{\"hash\":\"" + "ab".repeat(32) + "\",\"version\":2}}";
  }
}
