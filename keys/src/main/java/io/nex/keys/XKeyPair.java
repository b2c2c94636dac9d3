package io.nex.keys;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A curve key ("xkey", {@code X...}) as nkeys defines it: X25519 + NaCl box, used to seal a
 * deploy request's environment from the sender to one node. Sealed data is
 * {@code "xkv1" ‖ 24-byte nonce ‖ 16-byte tag ‖ ciphertext}, byte-compatible with nkeys (Go, JS).
 */
public final class XKeyPair {
  private static final byte[] VERSION = "xkv1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_SIZE = VERSION.length + SecretBox.NONCE_SIZE;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] privateKey;
  private final String publicKey;

  private XKeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    byte[] raw = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(privateKey, 0, raw, 0);
    this.publicKey = KeyCodec.encodePublic(KeyType.CURVE, raw);
  }

  public static XKeyPair create() {
    byte[] privateKey = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(RANDOM, privateKey);
    return new XKeyPair(privateKey);
  }

  /**
   * The key pair of an encoded curve seed ({@code SX...}).
   *
   * @throws KeyException if the seed is malformed or not a curve seed
   */
  public static XKeyPair fromSeed(String seed) {
    KeyCodec.Decoded decoded = KeyCodec.decodeSeed(seed);
    if (decoded.type() != KeyType.CURVE) {
      throw new KeyException("expected " + KeyType.CURVE.describeSeed() + ", got "
          + decoded.type().describeSeed());
    }
    return new XKeyPair(decoded.raw());
  }

  public String publicKey() {
    return publicKey;
  }

  /** The encoded seed: the secret. It never appears in {@link #toString()}. */
  public String seed() {
    return KeyCodec.encodeSeed(KeyType.CURVE, privateKey);
  }

  /**
   * Encrypts and authenticates {@code plaintext} for {@code recipientPublicKey}; only the
   * recipient, knowing this key's public key, can open it.
   *
   * @throws KeyException if the recipient key is malformed or not a curve key
   */
  public byte[] seal(byte[] plaintext, String recipientPublicKey) {
    byte[] nonce = new byte[SecretBox.NONCE_SIZE];
    RANDOM.nextBytes(nonce);
    return seal(plaintext, recipientPublicKey, nonce);
  }

  // A fixed nonce is only safe in tests: reusing one with the same key pair leaks plaintext.
  byte[] seal(byte[] plaintext, String recipientPublicKey, byte[] nonce) {
    Objects.requireNonNull(plaintext, "plaintext");
    if (nonce.length != SecretBox.NONCE_SIZE) {
      throw new IllegalArgumentException("nonce must be 24 bytes");
    }
    byte[] box = SecretBox.seal(sharedKey(recipientPublicKey), nonce, plaintext);
    byte[] out = new byte[HEADER_SIZE + box.length];
    System.arraycopy(VERSION, 0, out, 0, VERSION.length);
    System.arraycopy(nonce, 0, out, VERSION.length, nonce.length);
    System.arraycopy(box, 0, out, HEADER_SIZE, box.length);
    return out;
  }

  /**
   * Decrypts data that {@code senderPublicKey} sealed for this key.
   *
   * @throws KeyException "cannot open sealed data: ..." if it is too short, lacks the xkv1
   *     prefix, or fails authentication (wrong key, altered bytes); also if the sender key is
   *     malformed or not a curve key
   */
  public byte[] open(byte[] sealed, String senderPublicKey) {
    Objects.requireNonNull(sealed, "sealed");
    // nkeys refuses anything not longer than header; shorter-than-tag input fails the tag.
    if (sealed.length <= HEADER_SIZE) {
      throw new KeyException("cannot open sealed data: too short (" + sealed.length + " bytes)");
    }
    if (!Arrays.equals(sealed, 0, VERSION.length, VERSION, 0, VERSION.length)) {
      throw new KeyException("cannot open sealed data: missing the xkv1 prefix");
    }
    byte[] nonce = Arrays.copyOfRange(sealed, VERSION.length, HEADER_SIZE);
    return SecretBox.open(sharedKey(senderPublicKey), nonce, sealed, HEADER_SIZE)
        .orElseThrow(() -> new KeyException(
            "cannot open sealed data: authentication failed (wrong key or altered data)"));
  }

  @Override
  public String toString() {
    return "XKeyPair[" + publicKey + "]";
  }

  /** NaCl's crypto_box_beforenm: HSalsa20 of the X25519 shared secret. */
  private byte[] sharedKey(String peerPublicKey) {
    byte[] peer = NKeys.requireType(KeyCodec.decodePublic(peerPublicKey), KeyType.CURVE).raw();
    byte[] secret = new byte[X25519.POINT_SIZE];
    // BouncyCastle reports an all-zero result, which only a low-order (malicious or
    // broken) peer key produces; NaCl would silently encrypt under a known key.
    if (!X25519.calculateAgreement(privateKey, 0, peer, 0, secret, 0)) {
      throw new KeyException("not a usable curve key: it is a low-order point");
    }
    return HSalsa20.hash(secret, new byte[16]);
  }
}
