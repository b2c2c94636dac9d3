package io.nex.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadJwtTest {
  private static final String HASH = GoldenVectorsTest.ARTIFACT_SHA256;
  private final NKeyPair account = NKeyPair.create(KeyType.ACCOUNT);

  @Test
  void issuedJwtVerifiesWithItsClaims() {
    long before = System.currentTimeMillis() / 1000;
    WorkloadJwt.Claims claims = WorkloadJwt.verify(WorkloadJwt.issue(account, "echo_service-2", HASH));

    assertThat(claims.issuer()).isEqualTo(account.publicKey());
    assertThat(claims.name()).isEqualTo("echo_service-2");
    assertThat(claims.hash()).isEqualTo(HASH);
    assertThat(claims.iat()).isBetween(before, System.currentTimeMillis() / 1000);
    assertThat(claims.jti()).matches("[A-Z2-7]{52}");
  }

  @Test
  void claimsAreWrittenInNatsJwtOrder() {
    String jwt = WorkloadJwt.issue(account, "echo", HASH, 42);
    assertThat(payload(jwt)).matches("\\{\"jti\":\"[A-Z2-7]{52}\",\"iat\":42,\"iss\":\"A[A-Z2-7]{55}\","
        + "\"sub\":\"echo\",\"nats\":\\{\"hash\":\"" + HASH + "\",\"version\":2}}");
  }

  @Test
  void stopJwtWithoutHashHasNullHash() {
    String jwt = WorkloadJwt.issue(account, "echo", null, 42);
    assertThat(payload(jwt)).endsWith("\"nats\":{\"version\":2}}");
    assertThat(WorkloadJwt.verify(jwt).hash()).isNull();
  }

  @Test
  void onlyAccountsIssue() {
    assertThatThrownBy(() -> WorkloadJwt.issue(NKeyPair.create(KeyType.USER), "echo", HASH))
        .isInstanceOf(KeyException.class)
        .hasMessage("workload JWTs are issued by an account key (A...), got a user key (U...)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "dots.not.allowed", "ümlaut", "new\nline"})
  void issueRefusesBadNames(String name) {
    assertThatThrownBy(() -> WorkloadJwt.issue(account, name, HASH))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("workload name must match ^[a-zA-Z0-9_-]+$")
        .message().doesNotContain("\n");
  }

  @Test
  void issueRefusesABadHash() {
    assertThatThrownBy(() -> WorkloadJwt.issue(account, "echo", "ABC"))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("64 lower-case hex");
  }

  @Test
  void verifyRefusesASignatureFromAnotherAccount() {
    String jwt = WorkloadJwt.issue(account, "echo", HASH);
    String forged = Jwts.signed(NKeyPair.create(KeyType.ACCOUNT), payload(jwt));
    assertThatThrownBy(() -> WorkloadJwt.verify(forged))
        .isInstanceOf(KeyException.class)
        .hasMessageStartingWith("workload JWT signature does not verify against issuer A");
  }

  @Test
  void verifyRefusesANonAccountIssuer() {
    NKeyPair user = NKeyPair.create(KeyType.USER);
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(user, Jwts.claims(user, "echo"))))
        .isInstanceOf(KeyException.class)
        .hasMessage("workload JWT issuer must be an account key (A...), got a user key (U...)");
    String badIssuer = Jwts.claims(account, "echo").replace(account.publicKey(), "ANOTAKEY");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, badIssuer)))
        .hasMessage("workload JWT issuer: not a valid nkey: expected 56 characters, got 8");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, "{\"sub\":\"echo\"}")))
        .hasMessage("workload JWT has no issuer (iss)");
  }

  @Test
  void verifyRefusesASignedButInvalidName() {
    String jwt = Jwts.signed(account, Jwts.claims(account, "no spaces"));
    assertThatThrownBy(() -> WorkloadJwt.verify(jwt))
        .isInstanceOf(KeyException.class)
        .hasMessage("workload name must match ^[a-zA-Z0-9_-]+$, got \"no spaces\"");
  }

  @Test
  void verifyRefusesTheWrongHeader() {
    String claims = Jwts.claims(account, "echo");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", claims)))
        .isInstanceOf(KeyException.class)
        .hasMessage("workload JWT header: alg must be ed25519-nkey, got \"HS256\"");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, "{\"typ\":\"JWS\",\"alg\":\"ed25519-nkey\"}", claims)))
        .hasMessage("workload JWT header: typ must be JWT, got \"JWS\"");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, "{\"alg\":\"ed25519-nkey\"}", claims)))
        .hasMessage("workload JWT header: typ must be JWT, got none");
  }

  @Test
  void verifyRefusesMalformedTokens() {
    String jwt = WorkloadJwt.issue(account, "echo", HASH);
    String[] parts = jwt.split("\\.");
    assertMalformed(null, "malformed workload JWT: empty");
    assertMalformed("abc", "malformed workload JWT: expected 3 dot-separated parts, got 1");
    assertMalformed(parts[0] + "." + parts[1], "malformed workload JWT: expected 3 dot-separated parts, got 2");
    assertMalformed(jwt + ".x", "malformed workload JWT: expected 3 dot-separated parts, got 4");
    assertMalformed(parts[0] + ".!!!." + parts[2], "malformed workload JWT: claims is not base64url");
    assertMalformed(parts[0] + "." + parts[1] + "=." + parts[2], "malformed workload JWT: claims is not unpadded base64url");
    assertMalformed(parts[0] + "." + parts[1] + ".", "malformed workload JWT: signature is not unpadded base64url");
    assertMalformed(parts[0] + "." + Jwts.b64("{\"iss\":") + "." + parts[2], "malformed workload JWT: claims is not JSON");
    assertMalformed(parts[0] + "." + Jwts.b64("[1,2]") + "." + parts[2], "malformed workload JWT: claims is not a JSON object");
    assertMalformed(Jwts.b64("{}{}") + "." + parts[1] + "." + parts[2], "malformed workload JWT: header is not JSON");
    String duplicateSub = payload(jwt).replace("\"sub\":\"echo\"", "\"sub\":\"echo\",\"sub\":\"evil\"");
    assertMalformed(parts[0] + "." + Jwts.b64(duplicateSub) + "." + parts[2], "malformed workload JWT: claims is not JSON");
  }

  @Test
  void verifyRefusesClaimsOfTheWrongJsonType() {
    String claims = Jwts.claims(account, "echo").replace("\"iat\":1", "\"iat\":\"yesterday\"");
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, claims)))
        .hasMessage("malformed workload JWT: iat is not a number of seconds");
    String numericSub = "{\"iss\":\"" + account.publicKey() + "\",\"sub\":7}";
    assertThatThrownBy(() -> WorkloadJwt.verify(Jwts.signed(account, numericSub)))
        .hasMessage("malformed workload JWT: sub is not a string");
  }

  private static void assertMalformed(String jwt, String reason) {
    assertThatThrownBy(() -> WorkloadJwt.verify(jwt)).isInstanceOf(KeyException.class).hasMessage(reason);
  }

  private static String payload(String jwt) {
    return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
  }
}
