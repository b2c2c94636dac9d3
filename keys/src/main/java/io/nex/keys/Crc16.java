package io.nex.keys;

/**
 * CRC-16/XMODEM (polynomial 0x1021, initial value 0), the checksum nkeys appends so that a
 * mistyped or truncated key is caught before it is used.
 */
final class Crc16 {
  private Crc16() {
  }

  static int of(byte[] data, int length) {
    int crc = 0;
    for (int i = 0; i < length; i++) {
      crc ^= (data[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xffff;
  }
}
