package io.nex.api.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Ours, not Nex 0.2.7's: how a node signs its control-plane answers, so that an asker can tell a
 * node from anyone else answering {@code $NEX.PING} or {@code $NEX.AUCTION}. Both travel as NATS
 * headers of the reply, never in its body, so Nex 0.2.7 clients, which read only the body, are
 * unaffected.
 *
 * <ul>
 *   <li>{@value #SIGNATURE_HEADER}: the node's nkey (its id is the public key) signs the reply
 *       subject, a newline and the body. The reply subject is the asker's fresh inbox, so an
 *       answer recorded once and replayed to another request fails the check.
 *   <li>{@value #VOUCH_HEADER}, when the node has a node issuer: {@code <operator public
 *       key>.<signature>}, the operator key's signature of {@link #vouched(String)}: this node id
 *       belongs to that operator's fleet.
 * </ul>
 * Signatures are unpadded base64url, as in JWTs.
 */
public final class NodeSignature {
  public static final String SIGNATURE_HEADER = "Nex-Node-Signature";
  public static final String VOUCH_HEADER = "Nex-Node-Vouch";

  private NodeSignature() {}

  /** What the node signs for one answer. */
  public static byte[] signed(String replySubject, byte[] body) {
    byte[] subject = (replySubject + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[subject.length + body.length];
    System.arraycopy(subject, 0, bytes, 0, subject.length);
    System.arraycopy(body, 0, bytes, subject.length, body.length);
    return bytes;
  }

  /** What a node issuer signs to vouch for a node id. */
  public static byte[] vouched(String nodeId) {
    return ("nex-node:" + nodeId).getBytes(StandardCharsets.UTF_8);
  }

  public static String encode(byte[] signature) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  /** @throws IllegalArgumentException when {@code text} is not base64url */
  public static byte[] decode(String text) {
    return Base64.getUrlDecoder().decode(text);
  }
}
