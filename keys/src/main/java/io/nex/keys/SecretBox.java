package io.nex.keys;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's secretbox (XSalsa20 + Poly1305) in its "easy" layout: 16-byte tag ‖ ciphertext, the
 * layout nkeys and tweetnacl emit.
 */
final class SecretBox {
  static final int NONCE_SIZE = 24;
  static final int TAG_SIZE = 16;
  // NaCl takes the Poly1305 one-time key from the first 32 keystream bytes and encrypts
  // the message with the keystream that follows.
  private static final int MAC_KEY_SIZE = 32;

  private SecretBox() {
  }

  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
    XSalsa20Engine cipher = cipher(key, nonce);
    byte[] macKey = keystream(cipher, MAC_KEY_SIZE);
    byte[] out = new byte[TAG_SIZE + plaintext.length];
    cipher.processBytes(plaintext, 0, plaintext.length, out, TAG_SIZE);
    byte[] tag = tag(macKey, out, TAG_SIZE, plaintext.length);
    System.arraycopy(tag, 0, out, 0, TAG_SIZE);
    return out;
  }

  /** The plaintext, or empty when the tag does not match (wrong key or altered bytes). */
  static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box, int offset) {
    int ciphertextLength = box.length - offset - TAG_SIZE;
    if (ciphertextLength < 0) {
      return Optional.empty();
    }
    XSalsa20Engine cipher = cipher(key, nonce);
    byte[] macKey = keystream(cipher, MAC_KEY_SIZE);
    byte[] expected = tag(macKey, box, offset + TAG_SIZE, ciphertextLength);
    byte[] actual = Arrays.copyOfRange(box, offset, offset + TAG_SIZE);
    // Check before decrypting, in constant time, so nothing about the plaintext leaks.
    if (!MessageDigest.isEqual(expected, actual)) {
      return Optional.empty();
    }
    byte[] plaintext = new byte[ciphertextLength];
    cipher.processBytes(box, offset + TAG_SIZE, ciphertextLength, plaintext, 0);
    return Optional.of(plaintext);
  }

  private static XSalsa20Engine cipher(byte[] key, byte[] nonce) {
    XSalsa20Engine cipher = new XSalsa20Engine();
    cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return cipher;
  }

  private static byte[] keystream(XSalsa20Engine cipher, int length) {
    byte[] out = new byte[length];
    cipher.processBytes(new byte[length], 0, length, out, 0);
    return out;
  }

  private static byte[] tag(byte[] macKey, byte[] data, int offset, int length) {
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(data, offset, length);
    byte[] tag = new byte[TAG_SIZE];
    mac.doFinal(tag, 0);
    return tag;
  }
}
