package io.nex.keys;

/** Small edits to encoded keys and byte arrays, for refusal tests. */
final class Mutations {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Mutations() {
  }

  /** The text with the character at {@code index} replaced by another base32 character. */
  static String changeChar(String text, int index) {
    char replacement = BASE32.charAt((BASE32.indexOf(text.charAt(index)) + 1) % BASE32.length());
    return text.substring(0, index) + replacement + text.substring(index + 1);
  }

  static byte[] flipBit(byte[] data, int bit) {
    byte[] copy = data.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }
}
