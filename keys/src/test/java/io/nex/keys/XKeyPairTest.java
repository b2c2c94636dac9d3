package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class XKeyPairTest {
  private static final byte[] ENV = "{\"SECRET\":\"hunter2\"}".getBytes(StandardCharsets.UTF_8);
  private final XKeyPair sender = XKeyPair.create();
  private final XKeyPair node = XKeyPair.create();

  @Test
  void createdKeysRoundTripThroughTheirSeed() {
    XKeyPair restored = XKeyPair.fromSeed(sender.seed());
    assertThat(sender.publicKey()).startsWith("X").hasSize(56);
    assertThat(sender.seed()).startsWith("SX").hasSize(58);
    assertThat(restored.publicKey()).isEqualTo(sender.publicKey());
    assertThat(restored.seed()).isEqualTo(sender.seed());
  }

  @Test
  void recipientOpensWhatSenderSealed() {
    byte[] sealed = sender.seal(ENV, node.publicKey());
    assertThat(Arrays.copyOf(sealed, 4)).isEqualTo("xkv1".getBytes(StandardCharsets.US_ASCII));
    assertThat(sealed).hasSize(4 + 24 + 16 + ENV.length);
    assertThat(node.open(sealed, sender.publicKey())).isEqualTo(ENV);
  }

  @Test
  void eachSealUsesAFreshNonce() {
    assertThat(sender.seal(ENV, node.publicKey())).isNotEqualTo(sender.seal(ENV, node.publicKey()));
  }

  @Test
  void emptyPlaintextRoundTrips() {
    byte[] sealed = sender.seal(new byte[0], node.publicKey());
    assertThat(sealed).hasSize(44);
    assertThat(node.open(sealed, sender.publicKey())).isEmpty();
  }

  @Test
  void refusesTamperedData() {
    byte[] sealed = sender.seal(ENV, node.publicKey());
    int nonceBit = 5 * 8;
    int tagBit = 30 * 8;
    int ciphertextBit = (sealed.length - 1) * 8;
    for (int bit : new int[] {nonceBit, tagBit, ciphertextBit}) {
      byte[] tampered = Mutations.flipBit(sealed, bit);
      assertThatThrownBy(() -> node.open(tampered, sender.publicKey()))
          .isInstanceOf(KeyException.class)
          .hasMessage("cannot open sealed data: authentication failed (wrong key or altered data)");
    }
  }

  @Test
  void refusesTheWrongKeys() {
    byte[] sealed = sender.seal(ENV, node.publicKey());
    XKeyPair stranger = XKeyPair.create();
    assertThatThrownBy(() -> stranger.open(sealed, sender.publicKey()))
        .hasMessageStartingWith("cannot open sealed data: authentication failed");
    assertThatThrownBy(() -> node.open(sealed, stranger.publicKey()))
        .hasMessageStartingWith("cannot open sealed data: authentication failed");
  }

  @Test
  void refusesShortInput() {
    assertThatThrownBy(() -> node.open(new byte[0], sender.publicKey()))
        .isInstanceOf(KeyException.class)
        .hasMessage("cannot open sealed data: too short (0 bytes)");
    byte[] headerOnly = Arrays.copyOf(sender.seal(ENV, node.publicKey()), 28);
    assertThatThrownBy(() -> node.open(headerOnly, sender.publicKey()))
        .hasMessage("cannot open sealed data: too short (28 bytes)");
    // 29 bytes passes the length check (as in nkeys) but has no room for a tag
    byte[] noTag = Arrays.copyOf(sender.seal(ENV, node.publicKey()), 29);
    assertThatThrownBy(() -> node.open(noTag, sender.publicKey()))
        .hasMessageStartingWith("cannot open sealed data: authentication failed");
  }

  @Test
  void refusesDataWithoutTheVersionPrefix() {
    byte[] sealed = sender.seal(ENV, node.publicKey());
    sealed[3] = '2';
    assertThatThrownBy(() -> node.open(sealed, sender.publicKey()))
        .isInstanceOf(KeyException.class)
        .hasMessage("cannot open sealed data: missing the xkv1 prefix");
  }

  @Test
  void refusesPeersThatAreNotCurveKeys() {
    String account = NKeyPair.create(KeyType.ACCOUNT).publicKey();
    assertThatThrownBy(() -> sender.seal(ENV, account))
        .isInstanceOf(KeyException.class)
        .hasMessage("expected a curve key (X...), got an account key (A...)");
    byte[] sealed = sender.seal(ENV, node.publicKey());
    assertThatThrownBy(() -> node.open(sealed, Mutations.changeChar(sender.publicKey(), 30)))
        .hasMessage("not a valid nkey: bad checksum");
  }

  @Test
  void refusesALowOrderPeerKey() {
    // The all-zero point: X25519 with it gives an all-zero secret, i.e. a key anyone knows.
    String zeroPoint = KeyCodec.encodePublic(KeyType.CURVE, new byte[32]);
    assertThatThrownBy(() -> sender.seal(ENV, zeroPoint))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("low-order point");
  }

  @Test
  void fromSeedRefusesSigningSeeds() {
    assertThatThrownBy(() -> XKeyPair.fromSeed(NKeyPair.create(KeyType.ACCOUNT).seed()))
        .isInstanceOf(KeyException.class)
        .hasMessage("expected a curve seed (SX...), got an account seed (SA...)");
    assertThatThrownBy(() -> XKeyPair.fromSeed(Mutations.changeChar(sender.seed(), 12)))
        .hasMessage("not a valid nkey seed: bad checksum");
  }

  @Test
  void toStringShowsThePublicKeyNeverTheSeed() {
    assertThat(sender.toString()).contains(sender.publicKey()).doesNotContain(sender.seed());
  }
}
