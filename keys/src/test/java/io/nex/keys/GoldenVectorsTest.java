package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vectors in STACK.md, made with @nats-io/nkeys 2.0.3: we must match them byte for byte. */
class GoldenVectorsTest {
  static final String A_SEED = "SXAAZVF7TAA6YWX6XC6KZDR5T2N2D76T67UVEF6N4KWAB6UP2N4DUXMI44";
  static final String A_PUBLIC = "XAWA63OWTCGVKVYLWEBBLQDE6KVMB37EIKR73CQGRV54XNF52O6B23CC";
  static final String B_SEED = "SXAKTSYS2U7PYCL534Y7AXLN6YNC6AE76PZO46FCNINWR3MDYSQZXJRBPY";
  static final String B_PUBLIC = "XBWQUCUUUV72LKPAKIPQKP2GS5POLOVEA72JGI7RWRAL4BJXBEVC75ZX";
  static final byte[] PLAINTEXT = "SECRET_ENV=hello-nex".getBytes(StandardCharsets.US_ASCII);
  static final String SEALED_HEX = "786b7631000102030405060708090a0b0c0d0e0f1011121314151617"
      + "15ac0ab74e8fe2427ac36a2b31b0a3b346760358230dd2fde23ff720085bb37f291df6ad";

  static final String ACCOUNT_SEED = "SAALYEGWN7AA2TQBPHW7TRILDOZEJBE56I2STG2EJ3GZWKXCYQPZ4TUNYE";
  static final String ACCOUNT_PUBLIC = "AA4FHJFSTYDJV4MKTJJ4O3LTYH4AALTOPXUKQ3GQUWBY3CFLXTY5LXQF";
  static final String ARTIFACT_SHA256 = "2388ecd4485cd5438bd5a97b2c706313d6d46514f303978fe0a0baa19ebb448b";
  static final long IAT = 1764000000L;
  static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ."
      + "eyJqdGkiOiJKUURXNVZJMkJXWVUzRDJHTE1UWkJTVVc0SENaU0VQVU5USTJXT0RSRDVBUkpKTkYzNEZRIiwiaWF0IjoxNzY0MDAw"
      + "MDAwLCJpc3MiOiJBQTRGSEpGU1RZREpWNE1LVEpKNE8zTFRZSDRBQUxUT1BYVUtRM0dRVVdCWTNDRkxYVFk1TFhRRiIsInN1YiI6"
      + "ImVjaG9zZXJ2aWNlIiwibmF0cyI6eyJoYXNoIjoiMjM4OGVjZDQ0ODVjZDU0MzhiZDVhOTdiMmM3MDYzMTNkNmQ0NjUxNGYzMDM5"
      + "NzhmZTBhMGJhYTE5ZWJiNDQ4YiIsInZlcnNpb24iOjJ9fQ."
      + "YVJavPB3Z9pR3UdwuILJAalEw-UGkmvYZ6baU9p2Yld-l3UCwhOS_Zl5_I7nf0fZHc8NCHudW7e86Lf_o3BsCg";

  @Test
  void xkeySeedsGiveTheVectorPublicKeys() {
    assertThat(XKeyPair.fromSeed(A_SEED).publicKey()).isEqualTo(A_PUBLIC);
    assertThat(XKeyPair.fromSeed(B_SEED).publicKey()).isEqualTo(B_PUBLIC);
    assertThat(XKeyPair.fromSeed(A_SEED).seed()).isEqualTo(A_SEED);
  }

  @Test
  void sealWithTheFixedNonceMatchesNkeysByteForByte() {
    byte[] nonce = new byte[24];
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) i;
    }
    byte[] sealed = XKeyPair.fromSeed(A_SEED).seal(PLAINTEXT, B_PUBLIC, nonce);
    assertThat(HexFormat.of().formatHex(sealed)).isEqualTo(SEALED_HEX);
  }

  @Test
  void recipientOpensTheVector() {
    byte[] sealed = HexFormat.of().parseHex(SEALED_HEX);
    assertThat(XKeyPair.fromSeed(B_SEED).open(sealed, A_PUBLIC)).isEqualTo(PLAINTEXT);
  }

  @Test
  void jwtVectorVerifies() {
    WorkloadJwt.Claims claims = WorkloadJwt.verify(JWT);
    assertThat(claims).isEqualTo(new WorkloadJwt.Claims(
        "JQDW5VI2BWYU3D2GLMTZBSUW4HCZSEPUNTI2WODRD5ARJJNF34FQ", IAT, ACCOUNT_PUBLIC, "echoservice",
        ARTIFACT_SHA256));
  }

  @Test
  void issuingTheVectorClaimsReproducesTheVectorJwt() {
    NKeyPair account = NKeyPair.fromSeed(ACCOUNT_SEED);
    assertThat(account.publicKey()).isEqualTo(ACCOUNT_PUBLIC);
    assertThat(WorkloadJwt.issue(account, "echoservice", ARTIFACT_SHA256, IAT)).isEqualTo(JWT);
  }

  @Test
  void vectorSignatureOverAnotherSubDoesNotVerify() {
    String[] parts = JWT.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String otherSub = claims.replace("\"sub\":\"echoservice\"", "\"sub\":\"evilservice\"");
    assertThat(otherSub).isNotEqualTo(claims);
    String tampered = parts[0] + "." + Jwts.b64(otherSub) + "." + parts[2];

    assertThatThrownBy(() -> WorkloadJwt.verify(tampered))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("signature does not verify");
  }
}
