package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.NKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NKeyPairTest {
  private static final byte[] DATA = "deploy echoservice".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SERVER", "ACCOUNT", "USER"})
  void createdKeysRoundTripThroughTheirSeed(KeyType type) {
    NKeyPair created = NKeyPair.create(type);
    NKeyPair restored = NKeyPair.fromSeed(created.seed());

    assertThat(created.type()).isEqualTo(type);
    assertThat(created.publicKey()).startsWith(String.valueOf(type.prefix())).hasSize(56);
    assertThat(created.seed()).startsWith("S" + type.prefix()).hasSize(58);
    assertThat(restored.publicKey()).isEqualTo(created.publicKey());
    assertThat(restored.type()).isEqualTo(type);
    assertThat(NKeys.typeOfPublicKey(created.publicKey())).isEqualTo(type);
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SERVER", "ACCOUNT", "USER"})
  void signaturesVerifyOnlyForTheSignedDataAndKey(KeyType type) {
    NKeyPair key = NKeyPair.create(type);
    byte[] signature = key.sign(DATA);

    assertThat(signature).hasSize(64);
    assertThat(NKeyPair.verify(key.publicKey(), DATA, signature)).isTrue();
    assertThat(NKeyPair.verify(key.publicKey(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(NKeyPair.verify(NKeyPair.create(type).publicKey(), DATA, signature)).isFalse();
    assertThat(NKeyPair.verify(key.publicKey(), DATA, Mutations.flipBit(signature, 3))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SERVER", "OPERATOR", "ACCOUNT", "USER"})
  void signaturesAreTheOnesJnatsMakesAndJnatsTakesThem(KeyType type) throws Exception {
    NKeyPair key = NKeyPair.create(type);
    NKey jnats = NKey.fromSeed(key.seed().toCharArray());

    // ed25519 is deterministic: the same key and data give the same signature
    assertThat(key.sign(DATA)).isEqualTo(jnats.sign(DATA));
    assertThat(jnats.verify(DATA, key.sign(DATA))).isTrue();
    assertThat(NKeyPair.verify(key.publicKey(), DATA, jnats.sign(DATA))).isTrue();
  }

  @Test
  void aMisSizedSignatureIsFalseNotAnError() {
    NKeyPair key = NKeyPair.create(KeyType.USER);
    assertThat(NKeyPair.verify(key.publicKey(), DATA, new byte[0])).isFalse();
    assertThat(NKeyPair.verify(key.publicKey(), DATA, new byte[65])).isFalse();
  }

  @Test
  void curveKeysCannotBeCreatedHere() {
    assertThatThrownBy(() -> NKeyPair.create(KeyType.CURVE))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("curve keys (X...) cannot sign");
  }

  @Test
  void verifyRefusesMalformedAndCurveKeys() {
    NKeyPair key = NKeyPair.create(KeyType.ACCOUNT);
    byte[] signature = key.sign(DATA);
    String badChecksum = Mutations.changeChar(key.publicKey(), 55);

    assertThatThrownBy(() -> NKeyPair.verify(badChecksum, DATA, signature))
        .isInstanceOf(KeyException.class)
        .hasMessage("not a valid nkey: bad checksum");
    assertThatThrownBy(() -> NKeyPair.verify(XKeyPair.create().publicKey(), DATA, signature))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("cannot sign or verify");
  }

  @Test
  void fromSeedRefusesABadChecksum() {
    String seed = NKeyPair.create(KeyType.ACCOUNT).seed();
    assertThatThrownBy(() -> NKeyPair.fromSeed(Mutations.changeChar(seed, 10)))
        .isInstanceOf(KeyException.class)
        .hasMessage("not a valid nkey seed: bad checksum");
  }

  @Test
  void fromSeedRefusesACurveSeed() {
    assertThatThrownBy(() -> NKeyPair.fromSeed(XKeyPair.create().seed()))
        .isInstanceOf(KeyException.class)
        .hasMessage("expected a signing seed (SN, SA or SU...), got a curve seed (SX...)");
  }

  @Test
  void fromSeedRefusesAPublicKeyWithoutEchoingAnything() {
    String publicKey = NKeyPair.create(KeyType.USER).publicKey();
    assertThatThrownBy(() -> NKeyPair.fromSeed(publicKey))
        .isInstanceOf(KeyException.class)
        .hasMessage("not a valid nkey seed: seeds start with S, got 'U'");
  }

  @Test
  void fromSeedRefusesGarbage() {
    assertThatThrownBy(() -> NKeyPair.fromSeed("")).hasMessage("not a valid nkey seed: empty");
    assertThatThrownBy(() -> NKeyPair.fromSeed(null)).hasMessage("not a valid nkey seed: empty");
    assertThatThrownBy(() -> NKeyPair.fromSeed("SAshort"))
        .hasMessage("not a valid nkey seed: expected 58 characters, got 7");
    String lowerCase = NKeyPair.create(KeyType.USER).seed().toLowerCase();
    assertThatThrownBy(() -> NKeyPair.fromSeed("S" + lowerCase.substring(1)))
        .hasMessage("not a valid nkey seed: not base32 (A-Z, 2-7)");
  }

  @Test
  void fromSeedRefusesKeyTypesNexDoesNotUse() throws Exception {
    String clusterSeed = new String(NKey.createCluster(new java.security.SecureRandom()).getSeed());
    assertThatThrownBy(() -> NKeyPair.fromSeed(clusterSeed))
        .isInstanceOf(KeyException.class)
        .hasMessage("not a valid nkey seed: unsupported key type 'SC'");
  }

  @Test
  void toStringShowsThePublicKeyNeverTheSeed() {
    NKeyPair key = NKeyPair.create(KeyType.ACCOUNT);
    assertThat(key.toString()).contains(key.publicKey()).doesNotContain(key.seed());
  }
}
