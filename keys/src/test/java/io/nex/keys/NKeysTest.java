package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.NKey;
import org.junit.jupiter.api.Test;

class NKeysTest {
  @Test
  void knowsEveryTypeNexUses() {
    assertThat(NKeys.typeOfPublicKey(NKeyPair.create(KeyType.SERVER).publicKey())).isEqualTo(KeyType.SERVER);
    assertThat(NKeys.typeOfPublicKey(NKeyPair.create(KeyType.ACCOUNT).publicKey())).isEqualTo(KeyType.ACCOUNT);
    assertThat(NKeys.typeOfPublicKey(NKeyPair.create(KeyType.USER).publicKey())).isEqualTo(KeyType.USER);
    assertThat(NKeys.typeOfPublicKey(XKeyPair.create().publicKey())).isEqualTo(KeyType.CURVE);
    assertThat(NKeys.typeOfPublicKey(GoldenVectorsTest.ACCOUNT_PUBLIC)).isEqualTo(KeyType.ACCOUNT);
  }

  @Test
  void prefixesAreTheLettersKeysStartWith() {
    assertThat(KeyType.SERVER.prefix()).isEqualTo('N');
    assertThat(KeyType.ACCOUNT.prefix()).isEqualTo('A');
    assertThat(KeyType.USER.prefix()).isEqualTo('U');
    assertThat(KeyType.CURVE.prefix()).isEqualTo('X');
  }

  @Test
  void requirePublicKeyNamesExpectedAndActualType() {
    String user = NKeyPair.create(KeyType.USER).publicKey();
    assertThatCode(() -> NKeys.requirePublicKey(user, KeyType.USER)).doesNotThrowAnyException();
    assertThatThrownBy(() -> NKeys.requirePublicKey(user, KeyType.ACCOUNT))
        .isInstanceOf(KeyException.class)
        .hasMessage("expected an account key (A...), got a user key (U...)");
    assertThatThrownBy(() -> NKeys.requirePublicKey(XKeyPair.create().publicKey(), KeyType.SERVER))
        .hasMessage("expected a server key (N...), got a curve key (X...)");
  }

  @Test
  void refusesABadChecksum() {
    String key = NKeyPair.create(KeyType.ACCOUNT).publicKey();
    assertThatThrownBy(() -> NKeys.typeOfPublicKey(Mutations.changeChar(key, 20)))
        .isInstanceOf(KeyException.class)
        .hasMessage("not a valid nkey: bad checksum");
  }

  @Test
  void refusesMalformedText() {
    assertThatThrownBy(() -> NKeys.typeOfPublicKey(null)).hasMessage("not a valid nkey: empty");
    assertThatThrownBy(() -> NKeys.typeOfPublicKey("ABC")).hasMessage("not a valid nkey: expected 56 characters, got 3");
    assertThatThrownBy(() -> NKeys.typeOfPublicKey("A" + "1".repeat(55)))
        .hasMessage("not a valid nkey: not base32 (A-Z, 2-7)");
  }

  @Test
  void refusesASeedWhereAPublicKeyBelongsWithoutEchoingIt() {
    String seed = NKeyPair.create(KeyType.ACCOUNT).seed();
    assertThatThrownBy(() -> NKeys.typeOfPublicKey(seed))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("got a seed (S...)")
        .message().doesNotContain(seed.substring(2));
  }

  @Test
  void refusesKeyTypesNexDoesNotUse() throws Exception {
    // cluster keys: operators (node vouches) are used now, clusters never
    String cluster = new String(NKey.createCluster(new java.security.SecureRandom()).getPublicKey());
    assertThatThrownBy(() -> NKeys.typeOfPublicKey(cluster))
        .hasMessage("not a valid nkey: unsupported key type 'C'");
  }
}
