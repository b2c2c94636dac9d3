package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style checks over seeded random inputs: a failing seed is in the test name, and
 * rerunning reproduces it exactly.
 */
class KeyPropertiesTest {
  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyKeyTypeRoundTripsThroughTheCodec(long seed) {
    Random random = new Random(seed);
    for (KeyType type : KeyType.values()) {
      byte[] raw = bytes(random, 32);
      String publicKey = KeyCodec.encodePublic(type, raw);
      String encodedSeed = KeyCodec.encodeSeed(type, raw);

      assertThat(publicKey).hasSize(56).startsWith(String.valueOf(type.prefix()));
      assertThat(encodedSeed).hasSize(58).startsWith("S" + type.prefix());
      assertThat(KeyCodec.decodePublic(publicKey)).satisfies(d -> {
        assertThat(d.type()).isEqualTo(type);
        assertThat(d.raw()).isEqualTo(raw);
      });
      assertThat(KeyCodec.decodeSeed(encodedSeed)).satisfies(d -> {
        assertThat(d.type()).isEqualTo(type);
        assertThat(d.raw()).isEqualTo(raw);
      });
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anySingleCharacterChangeIsCaught(long seed) {
    Random random = new Random(seed);
    KeyType type = KeyType.values()[random.nextInt(KeyType.values().length)];
    String publicKey = KeyCodec.encodePublic(type, bytes(random, 32));
    // CRC-16 catches every burst of up to 16 bits, so one changed character never passes
    // as a key; a change in the first character may instead hit an unknown prefix.
    String mutated = Mutations.changeChar(publicKey, random.nextInt(publicKey.length()));
    assertThatThrownBy(() -> NKeys.typeOfPublicKey(mutated)).isInstanceOf(KeyException.class);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void sealedDataOpensAndAnyFlippedBitIsRefused(long seed) {
    Random random = new Random(seed);
    XKeyPair sender = XKeyPair.fromSeed(KeyCodec.encodeSeed(KeyType.CURVE, bytes(random, 32)));
    XKeyPair recipient = XKeyPair.fromSeed(KeyCodec.encodeSeed(KeyType.CURVE, bytes(random, 32)));
    byte[] plaintext = bytes(random, random.nextInt(2048));

    byte[] sealed = sender.seal(plaintext, recipient.publicKey(), bytes(random, 24));
    assertThat(recipient.open(sealed, sender.publicKey())).isEqualTo(plaintext);

    byte[] tampered = Mutations.flipBit(sealed, random.nextInt(sealed.length * 8));
    assertThatThrownBy(() -> recipient.open(tampered, sender.publicKey()))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("cannot open sealed data: ");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void signaturesVerifyForRandomData(long seed) {
    Random random = new Random(seed);
    KeyType type = new KeyType[] {KeyType.SERVER, KeyType.ACCOUNT, KeyType.USER}[random.nextInt(3)];
    NKeyPair key = NKeyPair.fromSeed(KeyCodec.encodeSeed(type, bytes(random, 32)));
    byte[] data = bytes(random, random.nextInt(4096));
    byte[] signature = key.sign(data);

    assertThat(NKeyPair.verify(key.publicKey(), data, signature)).isTrue();
    assertThat(NKeyPair.verify(key.publicKey(), data, Mutations.flipBit(signature, random.nextInt(512))))
        .isFalse();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void base32RoundTripsAnyLength(long seed) {
    Random random = new Random(seed);
    byte[] data = bytes(random, random.nextInt(100));
    String text = Base32.encode(data);
    assertThat(text).matches("[A-Z2-7]*").hasSize((data.length * 8 + 4) / 5);
    assertThat(Base32.decode(text)).isEqualTo(data);
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
