package io.nex.keys;

import io.nats.client.NKey;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An ed25519 nkey (server N, operator O, account A or user U) with its seed. Keys are made and
 * encoded by jnats' {@link NKey}, the same code the NATS client authenticates with; signing and
 * verifying call the BouncyCastle ed25519 that jnats signs with, on keys decoded once: jnats
 * decodes the seed and derives the public key again for every signature, which doubled the cost
 * of the signature on every control-plane answer. This class adds the type checks and the
 * one-line refusals Nex reports.
 */
public final class NKeyPair {
  private static final int SIGNATURE_SIZE = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final NKey key;
  private final KeyType type;
  private final String publicKey;
  /** Keeps the public key it derives: a signature needs it. */
  private final Ed25519PrivateKeyParameters signing;

  private NKeyPair(NKey key, KeyType type) {
    this.key = key;
    this.type = type;
    this.publicKey = new String(unchecked(key::getPublicKey));
    this.signing = new Ed25519PrivateKeyParameters(KeyCodec.decodeSeed(new String(key.getSeed())).raw(), 0);
  }

  /**
   * A fresh random key pair.
   *
   * @throws KeyException for {@link KeyType#CURVE}, which cannot sign (use {@link XKeyPair})
   */
  public static NKeyPair create(KeyType type) {
    Objects.requireNonNull(type, "type");
    NKey key = switch (type) {
      case SERVER -> unchecked(() -> NKey.createServer(RANDOM));
      case OPERATOR -> unchecked(() -> NKey.createOperator(RANDOM));
      case ACCOUNT -> unchecked(() -> NKey.createAccount(RANDOM));
      case USER -> unchecked(() -> NKey.createUser(RANDOM));
      case CURVE -> throw curveCannotSign();
    };
    return new NKeyPair(key, type);
  }

  /**
   * The key pair of an encoded seed ({@code SN...}, {@code SA...} or {@code SU...}).
   *
   * @throws KeyException if the seed is malformed or is a curve seed
   */
  public static NKeyPair fromSeed(String seed) {
    KeyType type = KeyCodec.decodeSeed(seed).type();
    if (type == KeyType.CURVE) {
      throw new KeyException("expected a signing seed (SN, SA or SU...), got " + type.describeSeed());
    }
    return new NKeyPair(NKey.fromSeed(seed.toCharArray()), type);
  }

  public String publicKey() {
    return publicKey;
  }

  /** The encoded seed: the secret. Store it with care; it never appears in {@link #toString()}. */
  public String seed() {
    return new String(key.getSeed());
  }

  public KeyType type() {
    return type;
  }

  /** A 64-byte ed25519 signature of {@code data}. */
  public byte[] sign(byte[] data) {
    Objects.requireNonNull(data, "data");
    byte[] signature = new byte[SIGNATURE_SIZE];
    signing.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
    return signature;
  }

  /**
   * Whether {@code signature} is {@code publicKey}'s signature of {@code data}.
   *
   * @return false for a wrong or mis-sized signature
   * @throws KeyException if the key is malformed or is a curve key
   */
  public static boolean verify(String publicKey, byte[] data, byte[] signature) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(signature, "signature");
    KeyCodec.Decoded key = KeyCodec.decodePublic(publicKey);
    if (key.type() == KeyType.CURVE) {
      throw curveCannotSign();
    }
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    return new Ed25519PublicKeyParameters(key.raw(), 0)
        .verify(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
  }

  @Override
  public String toString() {
    return "NKeyPair[" + publicKey + "]";
  }

  private static KeyException curveCannotSign() {
    return new KeyException("curve keys (X...) cannot sign or verify; use a server, account or user key");
  }

  private interface CryptoCall<T> {
    T call() throws GeneralSecurityException, IOException;
  }

  // jnats declares checked exceptions for failures that cannot happen once the key is decoded
  // (the key sizes and algorithm are fixed), so reaching the catch means a broken runtime.
  private static <T> T unchecked(CryptoCall<T> call) {
    try {
      return call.call();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("ed25519 unavailable: " + e.getMessage(), e);
    }
  }
}
