package io.nex.node.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the node logs of its control-plane URL: never a password or token. */
class ControlPlaneUrlTest {
  @Test
  void aUserAndPasswordAreLeftOut() {
    assertThat(ControlPlane.withoutCredentials("nats://nex:s3cret@127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
  }

  @Test
  void aTokenIsLeftOut() {
    assertThat(ControlPlane.withoutCredentials("tls://t0ken@nats.example:4443")).isEqualTo("tls://nats.example:4443");
  }

  @Test
  void everyServerOfAListIsCleaned() {
    assertThat(ControlPlane.withoutCredentials("nats://a:b@h1:4222,nats://h2:4222,c@h3:4222"))
        .isEqualTo("nats://h1:4222,nats://h2:4222,h3:4222");
  }

  @Test
  void aUrlWithoutCredentialsIsShownAsGiven() {
    assertThat(ControlPlane.withoutCredentials("nats://127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
  }
}
