package io.nex.cli.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nex.api.control.NodeSignature;
import io.nex.cli.CliException;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Signed answers as the node's {@code ReplySigner} makes them, checked as the CLI checks them. */
class NodeTrustTest {
  private static final String INBOX = "_INBOX.abc.1";
  private static final byte[] BODY = "{\"type\":\"ping\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
  private final NKeyPair node = NKeyPair.create(KeyType.SERVER);
  private final NKeyPair operator = NKeyPair.create(KeyType.OPERATOR);

  private Message answer(String subject, NKeyPair signer, NKeyPair voucher) {
    Headers headers = new Headers();
    headers.put(NodeSignature.SIGNATURE_HEADER, NodeSignature.encode(signer.sign(NodeSignature.signed(INBOX, BODY))));
    if (voucher != null) {
      headers.put(NodeSignature.VOUCH_HEADER, voucher.publicKey() + "."
          + NodeSignature.encode(voucher.sign(NodeSignature.vouched(node.publicKey()))));
    }
    return NatsMessage.builder().subject(subject).headers(headers).data(BODY).build();
  }

  @Test
  void anAnswerSignedByTheNodeForThisRequestIsTrusted() {
    assertThat(NodeTrust.of(List.of()).distrust(node.publicKey(), answer(INBOX, node, null))).isEmpty();
  }

  @Test
  void impostorsFail() {
    NodeTrust trust = NodeTrust.of(List.of());
    NKeyPair other = NKeyPair.create(KeyType.SERVER);
    assertThat(trust.distrust(node.publicKey(), answer(INBOX, other, null))).contains("bad signature");
    // a genuine answer replayed to another request
    assertThat(trust.distrust(node.publicKey(), answer("_INBOX.other.7", node, null))).contains("bad signature");
    assertThat(trust.distrust(node.publicKey(), NatsMessage.builder().subject(INBOX).data(BODY).build()))
        .contains("unsigned answer");
    assertThat(trust.distrust("NFAKE", answer(INBOX, node, null))).contains("its id is not a node key");
    Headers garbage = new Headers().put(NodeSignature.SIGNATURE_HEADER, "%%%");
    assertThat(trust.distrust(node.publicKey(), NatsMessage.builder().subject(INBOX).headers(garbage).data(BODY).build()))
        .contains("bad signature");
  }

  @Test
  void trustedIssuersMustVouchForTheNode() {
    NodeTrust trust = NodeTrust.of(List.of(operator.publicKey()));
    assertThat(trust.distrust(node.publicKey(), answer(INBOX, node, operator))).isEmpty();
    assertThat(trust.distrust(node.publicKey(), answer(INBOX, node, null)))
        .contains("not vouched for by a trusted node issuer");
    assertThat(trust.distrust(node.publicKey(), answer(INBOX, node, NKeyPair.create(KeyType.OPERATOR))))
        .contains("vouched for by an issuer not trusted here");
    Headers forged = new Headers()
        .put(NodeSignature.SIGNATURE_HEADER, NodeSignature.encode(node.sign(NodeSignature.signed(INBOX, BODY))))
        .put(NodeSignature.VOUCH_HEADER, operator.publicKey() + "." + NodeSignature.encode(node.sign(NodeSignature.vouched(node.publicKey()))));
    assertThat(trust.distrust(node.publicKey(), NatsMessage.builder().subject(INBOX).headers(forged).data(BODY).build()))
        .isEqualTo(Optional.of("bad vouch signature"));
  }

  @Test
  void aTrustedIssuerMustBeAnOperatorKey() {
    assertThatThrownBy(() -> NodeTrust.of(List.of(NKeyPair.create(KeyType.ACCOUNT).publicKey())))
        .isInstanceOf(CliException.class).hasMessageContaining("expected an operator key (O...)");
  }
}
