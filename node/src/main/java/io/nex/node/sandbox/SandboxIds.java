package io.nex.node.sandbox;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 20-character, xid-style ids (like the seed's {@code cmjg61n52omq8dovolmg}): 4 bytes of time,
 * 5 random bytes fixed per process and a 3-byte counter, in lowercase base32hex. Sortable by
 * creation time and unique across nodes. A sandbox id is also the id of the workload it runs; a
 * function in a function host gets one of its own.
 */
public final class SandboxIds {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuv".toCharArray();
  private static final byte[] PROCESS_UNIQUE = new byte[5];
  private static final AtomicInteger COUNTER;

  static {
    SecureRandom random = new SecureRandom();
    random.nextBytes(PROCESS_UNIQUE);
    COUNTER = new AtomicInteger(random.nextInt());
  }

  private SandboxIds() {}

  public static String next() {
    byte[] raw = new byte[12];
    int seconds = (int) (System.currentTimeMillis() / 1000);
    raw[0] = (byte) (seconds >>> 24);
    raw[1] = (byte) (seconds >>> 16);
    raw[2] = (byte) (seconds >>> 8);
    raw[3] = (byte) seconds;
    System.arraycopy(PROCESS_UNIQUE, 0, raw, 4, 5);
    int count = COUNTER.getAndIncrement();
    raw[9] = (byte) (count >>> 16);
    raw[10] = (byte) (count >>> 8);
    raw[11] = (byte) count;
    return encode(raw);
  }

  /** 96 bits → 20 base32 characters, the last one carrying the final 1 bit padded with zeros. */
  private static String encode(byte[] raw) {
    StringBuilder out = new StringBuilder(20);
    int buffer = 0;
    int bits = 0;
    for (byte b : raw) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /** Ids become NATS subject tokens and account names: only this shape is ever accepted. */
  public static boolean isValid(String id) {
    return id != null && id.matches("[0-9a-v]{20}");
  }
}
