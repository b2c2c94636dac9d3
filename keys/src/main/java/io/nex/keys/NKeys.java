package io.nex.keys;

/** Checks on public keys received from elsewhere (requests, configs, JWTs). */
public final class NKeys {
  private NKeys() {
  }

  /**
   * The type of a public key.
   *
   * @throws KeyException if it is not base32, has a bad checksum or an unknown prefix
   */
  public static KeyType typeOfPublicKey(String publicKey) {
    return KeyCodec.decodePublic(publicKey).type();
  }

  /**
   * Refuses a public key that is malformed or not of the expected type.
   *
   * @throws KeyException e.g. "expected an account key (A...), got a user key (U...)"
   */
  public static void requirePublicKey(String publicKey, KeyType expected) {
    requireType(KeyCodec.decodePublic(publicKey), expected);
  }

  static KeyCodec.Decoded requireType(KeyCodec.Decoded key, KeyType expected) {
    if (key.type() != expected) {
      throw new KeyException("expected " + expected.describe() + ", got " + key.type().describe());
    }
    return key;
  }
}
