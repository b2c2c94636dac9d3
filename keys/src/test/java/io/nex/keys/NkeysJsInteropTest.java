package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our keys against @nats-io/nkeys 2.0.3, the implementation Nex users' JS tools run. */
class NkeysJsInteropTest {
  private static final byte[] ENV = "{\"NATS_URL\":\"nats://127.0.0.1:4222\",\"TOKEN\":\"s3cr3t ✓\"}"
      .getBytes(StandardCharsets.UTF_8);
  private static final String HASH = GoldenVectorsTest.ARTIFACT_SHA256;
  private static NodeNkeys js;

  @BeforeAll
  static void installNkeys() throws Exception {
    Assumptions.assumeTrue(NodeNkeys.toolsPresent(), "node and npm are needed for the interop test");
    js = NodeNkeys.install();
  }

  @Test
  void keysCreatedOnEitherSideHaveTheSamePublicKeyOnTheOther() throws Exception {
    List<NKeyPair> ours = List.of(NKeyPair.create(KeyType.SERVER), NKeyPair.create(KeyType.ACCOUNT),
        NKeyPair.create(KeyType.USER));
    XKeyPair curve = XKeyPair.create();
    List<JsonNode> answers = js.call(
        js.request("publicKey").put("seed", ours.get(0).seed()),
        js.request("publicKey").put("seed", ours.get(1).seed()),
        js.request("publicKey").put("seed", ours.get(2).seed()),
        js.request("publicKey").put("seed", curve.seed()));

    for (int i = 0; i < ours.size(); i++) {
      assertThat(answers.get(i).path("publicKey").asText()).isEqualTo(ours.get(i).publicKey());
    }
    assertThat(answers.get(3).path("publicKey").asText()).isEqualTo(curve.publicKey());
  }

  @Test
  void javaSealsAndJsOpens() throws Exception {
    XKeyPair sender = XKeyPair.create();
    XKeyPair node = XKeyPair.create();
    byte[] sealed = sender.seal(ENV, node.publicKey());
    byte[] tampered = Mutations.flipBit(sealed, sealed.length * 8 - 1);

    List<JsonNode> answers = js.call(
        js.request("open").put("seed", node.seed()).put("sender", sender.publicKey()).put("sealed", b64(sealed)),
        js.request("open").put("seed", node.seed()).put("sender", sender.publicKey()).put("sealed", b64(tampered)));

    assertThat(unb64(answers.get(0).path("plaintext").asText())).isEqualTo(ENV);
    assertThat(answers.get(1).path("error").asText()).isNotEmpty();
  }

  @Test
  void jsSealsAndJavaOpens() throws Exception {
    XKeyPair sender = XKeyPair.create();
    XKeyPair node = XKeyPair.create();
    JsonNode answer = js.call(js.request("seal").put("seed", sender.seed())
        .put("recipient", node.publicKey()).put("plaintext", b64(ENV))).get(0);

    byte[] sealed = unb64(answer.path("sealed").asText());
    assertThat(node.open(sealed, sender.publicKey())).isEqualTo(ENV);
  }

  @Test
  void signaturesVerifyBothWays() throws Exception {
    NKeyPair user = NKeyPair.create(KeyType.USER);
    byte[] data = "nonce-from-server".getBytes(StandardCharsets.UTF_8);
    List<JsonNode> answers = js.call(
        js.request("verify").put("publicKey", user.publicKey()).put("data", b64(data))
            .put("signature", b64(user.sign(data))),
        js.request("sign").put("seed", user.seed()).put("data", b64(data)));

    assertThat(answers.get(0).path("valid").asBoolean()).isTrue();
    byte[] jsSignature = unb64(answers.get(1).path("signature").asText());
    assertThat(NKeyPair.verify(user.publicKey(), data, jsSignature)).isTrue();
  }

  @Test
  void javaJwtVerifiesInJsAndATamperedOneDoesNot() throws Exception {
    NKeyPair account = NKeyPair.create(KeyType.ACCOUNT);
    String jwt = WorkloadJwt.issue(account, "echoservice", HASH);
    String[] parts = jwt.split("\\.");
    String otherSub = Jwts.b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("echoservice", "evilservice"));

    List<JsonNode> answers = js.call(
        js.request("verifyJwt").put("jwt", jwt),
        js.request("verifyJwt").put("jwt", parts[0] + "." + otherSub + "." + parts[2]));

    JsonNode verified = answers.get(0);
    assertThat(verified.path("valid").asBoolean()).isTrue();
    assertThat(verified.path("header").path("alg").asText()).isEqualTo("ed25519-nkey");
    assertThat(verified.path("claims").path("iss").asText()).isEqualTo(account.publicKey());
    assertThat(verified.path("claims").path("sub").asText()).isEqualTo("echoservice");
    assertThat(verified.path("claims").path("nats").path("hash").asText()).isEqualTo(HASH);
    assertThat(answers.get(1).path("valid").asBoolean()).isFalse();
  }

  @Test
  void jsJwtVerifiesInJavaAndEqualsOursByteForByte() throws Exception {
    NKeyPair account = NKeyPair.create(KeyType.ACCOUNT);
    String jwt = js.call(js.request("issueJwt").put("seed", account.seed()).put("name", "echoservice")
        .put("hash", HASH).put("iat", 1764000000L)).get(0).path("jwt").asText();

    WorkloadJwt.Claims claims = WorkloadJwt.verify(jwt);
    assertThat(claims.issuer()).isEqualTo(account.publicKey());
    assertThat(claims.name()).isEqualTo("echoservice");
    assertThat(claims.hash()).isEqualTo(HASH);
    assertThat(jwt).isEqualTo(WorkloadJwt.issue(account, "echoservice", HASH, 1764000000L));
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] unb64(String text) {
    return Base64.getDecoder().decode(text);
  }
}
