package io.nex.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EchoServiceTest {

  @Test
  void redactsCredentialsButKeepsTheAddress() {
    assertThat(EchoService.redact("nats://nex:s3cr3t@127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
    assertThat(EchoService.redact("nats://token@host:4222")).isEqualTo("nats://host:4222");
    assertThat(EchoService.redact("nats://127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
  }
}
