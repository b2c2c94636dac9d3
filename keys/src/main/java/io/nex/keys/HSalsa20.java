package io.nex.keys;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.util.Pack;

/**
 * HSalsa20, which NaCl's box uses to turn the raw X25519 shared secret into a uniform key.
 * BouncyCastle runs it only inside XSalsa20Engine and does not expose it, so it is rebuilt
 * here from the public Salsa20 core.
 */
final class HSalsa20 {
  // "expand 32-byte k"
  private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

  private HSalsa20() {
  }

  static byte[] hash(byte[] key32, byte[] input16) {
    int[] state = new int[16];
    state[0] = SIGMA[0];
    state[5] = SIGMA[1];
    state[10] = SIGMA[2];
    state[15] = SIGMA[3];
    Pack.littleEndianToInt(key32, 0, state, 1, 4);
    Pack.littleEndianToInt(input16, 0, state, 6, 4);
    Pack.littleEndianToInt(key32, 16, state, 11, 4);

    int[] mixed = new int[16];
    Salsa20Engine.salsaCore(20, state, mixed);

    // salsaCore ends by adding the input back (the Salsa20 feed-forward); HSalsa20 has no
    // feed-forward, so subtract it again before taking the diagonal and the input words.
    int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
    byte[] out = new byte[32];
    for (int i = 0; i < words.length; i++) {
      int w = words[i];
      Pack.intToLittleEndian(mixed[w] - state[w], out, i * 4);
    }
    return out;
  }
}
