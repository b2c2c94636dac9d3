package io.nex.keys;

/**
 * The kinds of nkey Nex uses. The letter is the first character of the encoded public key;
 * seeds start with {@code S} followed by the same letter.
 */
public enum KeyType {
  /** A node's identity. */
  SERVER('N', 13 << 3, "a server key"),
  /** A node issuer (ours): vouches for the nodes of a fleet, so that a node id alone is not trust. */
  OPERATOR('O', 14 << 3, "an operator key"),
  /** A workload issuer; signs workload JWTs. */
  ACCOUNT('A', 0, "an account key"),
  /** A NATS user, e.g. an agent's credentials on the internal server. */
  USER('U', 20 << 3, "a user key"),
  /** An X25519 key for sealing data (an "xkey"); it cannot sign. */
  CURVE('X', 23 << 3, "a curve key");

  private final char prefix;
  // The byte nkeys puts before the raw key; chosen by nkeys so that its top five bits
  // base32-encode to the prefix letter.
  private final int prefixByte;
  private final String article;

  KeyType(char prefix, int prefixByte, String article) {
    this.prefix = prefix;
    this.prefixByte = prefixByte;
    this.article = article;
  }

  /** The first character of a public key of this type. */
  public char prefix() {
    return prefix;
  }

  int prefixByte() {
    return prefixByte;
  }

  /** "an account key (A...)": the phrase error messages use. */
  String describe() {
    return article + " (" + prefix + "...)";
  }

  /** "an account seed (SA...)". */
  String describeSeed() {
    return article.replace(" key", " seed") + " (S" + prefix + "...)";
  }

  /** The type whose prefix byte this is, or null for prefixes Nex does not use (O, C, P...). */
  static KeyType ofPrefixByte(int prefixByte) {
    for (KeyType type : values()) {
      if (type.prefixByte == prefixByte) {
        return type;
      }
    }
    return null;
  }
}
