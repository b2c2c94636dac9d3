package io.nex.keys;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The workload JWT of a deploy or stop request: an account key vouches that it issued the
 * workload {@code sub} with the artifact hash {@code nats.hash}. The format is nats-io/jwt's
 * generic claims, signed with ed25519 over {@code header.payload}.
 */
public final class WorkloadJwt {
  /**
   * What a verified workload JWT says.
   *
   * @param jti the token id as written (not checked: it is only a hash of the claims)
   * @param iat issue time in epoch seconds, 0 if the token has none
   * @param issuer the account public key ({@code A...}) that signed it
   * @param name the workload name ({@code sub})
   * @param hash the artifact's SHA-256 (hex), or null for a JWT that names no artifact (a stop)
   */
  public record Claims(String jti, long iat, String issuer, String name, String hash) {
  }

  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");
  private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");
  private static final String TYPE = "JWT";
  private static final String ALGORITHM = "ed25519-nkey";
  private static final int CLAIMS_VERSION = 2;
  private static final ObjectMapper JSON = new ObjectMapper()
      // A duplicated claim could be read one way here and another way by other tools.
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
  // Written once, in this order, so our tokens match other nkeys tools byte for byte.
  private static final String HEADER = B64.encodeToString(
      ("{\"typ\":\"" + TYPE + "\",\"alg\":\"" + ALGORITHM + "\"}").getBytes(StandardCharsets.UTF_8));

  private WorkloadJwt() {
  }

  /**
   * Issues a JWT for workload {@code name}, dated now.
   *
   * @param artifactSha256Hex lower-case hex SHA-256 of the artifact, or null for a stop request
   * @throws KeyException if the key is not an account key, or the name or hash is malformed
   */
  public static String issue(NKeyPair account, String name, String artifactSha256Hex) {
    return issue(account, name, artifactSha256Hex, System.currentTimeMillis() / 1000);
  }

  static String issue(NKeyPair account, String name, String hashHex, long iat) {
    Objects.requireNonNull(account, "account");
    if (account.type() != KeyType.ACCOUNT) {
      throw new KeyException("workload JWTs are issued by " + KeyType.ACCOUNT.describe()
          + ", got " + account.type().describe());
    }
    requireName(name);
    if (hashHex != null && !SHA256_HEX.matcher(hashHex).matches()) {
      throw new KeyException("artifact hash must be 64 lower-case hex characters (SHA-256)");
    }
    ObjectNode claims = claims("", iat, account.publicKey(), name, hashHex);
    // nats-io/jwt's jti: hash of the claims serialized with an empty jti.
    claims.put("jti", Base32.encode(sha512_256(toJson(claims))));
    String signingInput = HEADER + "." + B64.encodeToString(toJson(claims));
    byte[] signature = account.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + B64.encodeToString(signature);
  }

  /**
   * Checks a workload JWT's form, header, issuer, signature and name.
   *
   * <p>It does not check {@code jti} (anyone can recompute it; the signature is what counts),
   * nor which accounts are trusted or which artifact is meant: that is the caller's business.
   *
   * @throws KeyException naming what is wrong
   */
  public static Claims verify(String jwt) {
    if (jwt == null || jwt.isBlank()) {
      throw new KeyException("malformed workload JWT: empty");
    }
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      throw new KeyException("malformed workload JWT: expected 3 dot-separated parts, got " + parts.length);
    }
    JsonNode header = parseJson(decode(parts[0], "header"), "header");
    requireHeader(header, "typ", TYPE);
    requireHeader(header, "alg", ALGORITHM);
    JsonNode claims = parseJson(decode(parts[1], "claims"), "claims");
    byte[] signature = decode(parts[2], "signature");

    String issuer = text(claims, "iss");
    if (issuer == null) {
      throw new KeyException("workload JWT has no issuer (iss)");
    }
    KeyType issuerType;
    try {
      issuerType = NKeys.typeOfPublicKey(issuer);
    } catch (KeyException e) {
      throw new KeyException("workload JWT issuer: " + e.getMessage(), e);
    }
    if (issuerType != KeyType.ACCOUNT) {
      throw new KeyException("workload JWT issuer must be " + KeyType.ACCOUNT.describe()
          + ", got " + issuerType.describe());
    }
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!NKeyPair.verify(issuer, signingInput, signature)) {
      throw new KeyException("workload JWT signature does not verify against issuer " + issuer);
    }
    // Only after the signature: until then the claims are anyone's words.
    String name = text(claims, "sub");
    requireName(name);
    JsonNode iat = claims.get("iat");
    if (iat != null && !iat.canConvertToExactIntegral()) {
      throw new KeyException("malformed workload JWT: iat is not a number of seconds");
    }
    return new Claims(text(claims, "jti"), iat == null ? 0 : iat.asLong(), issuer, name,
        text(claims.path("nats"), "hash"));
  }

  private static ObjectNode claims(String jti, long iat, String issuer, String name, String hash) {
    ObjectNode claims = JSON.createObjectNode();
    claims.put("jti", jti);
    claims.put("iat", iat);
    claims.put("iss", issuer);
    claims.put("sub", name);
    ObjectNode nats = claims.putObject("nats");
    if (hash != null) {
      nats.put("hash", hash);
    }
    nats.put("version", CLAIMS_VERSION);
    return claims;
  }

  // Case-insensitive like nats-io/jwt, which upper-cases typ and lower-cases alg before comparing.
  private static void requireHeader(JsonNode header, String field, String expected) {
    JsonNode value = header.get(field);
    if (value == null || !value.isTextual() || !expected.equalsIgnoreCase(value.textValue())) {
      throw new KeyException("workload JWT header: " + field + " must be " + expected + ", got "
          + (value == null ? "none" : value.toString()));
    }
  }

  private static void requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new KeyException("workload name must match ^[a-zA-Z0-9_-]+$, got "
          + (name == null ? "none" : new TextNode(name).toString())); // escaped: one line
    }
  }

  private static byte[] decode(String part, String what) {
    // base64url without padding, as nats-io/jwt writes and reads it
    if (part.isEmpty() || part.indexOf('=') >= 0) {
      throw new KeyException("malformed workload JWT: " + what + " is not unpadded base64url");
    }
    try {
      return B64_DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new KeyException("malformed workload JWT: " + what + " is not base64url");
    }
  }

  private static JsonNode parseJson(byte[] json, String what) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new KeyException("malformed workload JWT: " + what + " is not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new KeyException("malformed workload JWT: " + what + " is not a JSON object");
    }
    return node;
  }

  /** A string claim, null if absent; a claim of another JSON type is malformed. */
  private static String text(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new KeyException("malformed workload JWT: " + field + " is not a string");
    }
    return node.textValue();
  }

  private static byte[] toJson(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize JWT claims", e);
    }
  }

  private static byte[] sha512_256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-512/256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512/256 is a required JDK algorithm", e);
    }
  }
}
