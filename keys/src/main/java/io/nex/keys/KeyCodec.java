package io.nex.keys;

import java.util.Arrays;

/**
 * The nkeys text encoding: base32 of prefix ‖ 32-byte key ‖ CRC-16 (little endian).
 * A public key has one prefix byte (its type); a seed has two, packing the seed marker 'S' and
 * the type so that both letters stay readable ("SA...", "SX...").
 */
final class KeyCodec {
  static final int KEY_SIZE = 32;
  private static final int SEED_PREFIX_BYTE = 18 << 3; // base32 'S'
  // 1 + 32 + 2 bytes and 2 + 32 + 2 bytes, base32 without padding
  private static final int PUBLIC_KEY_CHARS = 56;
  private static final int SEED_CHARS = 58;

  /** A key taken apart: its type and the raw 32 bytes (public key or private seed). */
  record Decoded(KeyType type, byte[] raw) {
  }

  private KeyCodec() {
  }

  static String encodePublic(KeyType type, byte[] raw) {
    return encode(new byte[] {(byte) type.prefixByte()}, raw);
  }

  static String encodeSeed(KeyType type, byte[] raw) {
    int role = type.prefixByte();
    byte[] prefix = {(byte) (SEED_PREFIX_BYTE | (role >> 5)), (byte) ((role & 31) << 3)};
    return encode(prefix, raw);
  }

  static Decoded decodePublic(String key) {
    if (key == null || key.isEmpty()) {
      throw new KeyException("not a valid nkey: empty");
    }
    if (key.charAt(0) == 'S') {
      // Someone pasted a seed where a public key belongs; say so without echoing it.
      throw new KeyException(
          "not a valid nkey: got a seed (S...) where a public key belongs; seeds must stay secret");
    }
    byte[] payload = checkedPayload(key, PUBLIC_KEY_CHARS, "nkey");
    KeyType type = KeyType.ofPrefixByte(payload[0] & 0xff);
    if (type == null) {
      throw new KeyException("not a valid nkey: unsupported key type '" + key.charAt(0) + "'");
    }
    return new Decoded(type, Arrays.copyOfRange(payload, 1, payload.length));
  }

  static Decoded decodeSeed(String seed) {
    if (seed == null || seed.isEmpty()) {
      throw new KeyException("not a valid nkey seed: empty");
    }
    if (seed.charAt(0) != 'S') {
      throw new KeyException("not a valid nkey seed: seeds start with S, got '" + seed.charAt(0) + "'");
    }
    byte[] payload = checkedPayload(seed, SEED_CHARS, "nkey seed");
    int role = ((payload[0] & 7) << 5) | ((payload[1] & 0xf8) >> 3);
    KeyType type = KeyType.ofPrefixByte(role);
    if ((payload[0] & 0xf8) != SEED_PREFIX_BYTE || type == null) {
      throw new KeyException("not a valid nkey seed: unsupported key type 'S" + seed.charAt(1) + "'");
    }
    return new Decoded(type, Arrays.copyOfRange(payload, 2, payload.length));
  }

  private static String encode(byte[] prefix, byte[] raw) {
    if (raw.length != KEY_SIZE) {
      throw new IllegalArgumentException("nkeys hold 32-byte keys, got " + raw.length);
    }
    byte[] out = new byte[prefix.length + KEY_SIZE + 2];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(raw, 0, out, prefix.length, KEY_SIZE);
    int crc = Crc16.of(out, out.length - 2);
    out[out.length - 2] = (byte) crc;
    out[out.length - 1] = (byte) (crc >> 8);
    return Base32.encode(out);
  }

  /** Decodes and checks length and checksum; returns prefix ‖ key without the checksum. */
  private static byte[] checkedPayload(String text, int expectedChars, String what) {
    if (text.length() != expectedChars) {
      throw new KeyException("not a valid " + what + ": expected " + expectedChars
          + " characters, got " + text.length());
    }
    byte[] decoded;
    try {
      decoded = Base32.decode(text);
    } catch (IllegalArgumentException e) {
      throw new KeyException("not a valid " + what + ": not base32 (A-Z, 2-7)");
    }
    int payloadLength = decoded.length - 2;
    int expected = (decoded[payloadLength] & 0xff) | (decoded[payloadLength + 1] & 0xff) << 8;
    if (Crc16.of(decoded, payloadLength) != expected) {
      throw new KeyException("not a valid " + what + ": bad checksum");
    }
    return Arrays.copyOf(decoded, payloadLength);
  }
}
