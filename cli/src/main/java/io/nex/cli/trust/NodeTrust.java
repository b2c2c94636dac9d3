package io.nex.cli.trust;

import io.nats.client.Message;
import io.nex.api.control.NodeSignature;
import io.nex.cli.CliException;
import io.nex.keys.KeyException;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.NKeys;
import java.util.List;
import java.util.Optional;

/**
 * Whether an answer really comes from the node it names (see {@link NodeSignature}): signed by
 * the node id's own key for this very request and, when the user trusts node issuers
 * ({@code --trusted-node-issuer}), vouched for by one of them. Anyone on the control plane can
 * answer {@code $NEX.PING} with a valid shape; only a node holds its key, and only an operator
 * its issuer key, so a node id alone is not trust. Nodes that sign nothing (Nex 0.2.7) fail too.
 */
public final class NodeTrust {
  private final List<String> issuers;

  private NodeTrust(List<String> issuers) {
    this.issuers = issuers;
  }

  /** @throws CliException naming the first issuer that is not an operator public key */
  public static NodeTrust of(List<String> trustedIssuers) {
    List<String> issuers = trustedIssuers == null ? List.of()
        : trustedIssuers.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    for (String issuer : issuers) {
      try {
        NKeys.requirePublicKey(issuer, KeyType.OPERATOR);
      } catch (KeyException e) {
        throw new CliException("bad --trusted-node-issuer " + issuer + ": " + e.getMessage());
      }
    }
    return new NodeTrust(issuers);
  }

  /** Why {@code reply} cannot be taken as node {@code nodeId}'s answer, or empty when it can. */
  public Optional<String> distrust(String nodeId, Message reply) {
    try {
      if (nodeId == null || NKeys.typeOfPublicKey(nodeId) != KeyType.SERVER) {
        return Optional.of("its id is not a node key");
      }
    } catch (KeyException e) {
      return Optional.of("its id is not a node key");
    }
    String signature = header(reply, NodeSignature.SIGNATURE_HEADER);
    if (signature == null) {
      return Optional.of("unsigned answer");
    }
    byte[] body = reply.getData() == null ? new byte[0] : reply.getData();
    if (!verifies(nodeId, NodeSignature.signed(reply.getSubject(), body), signature)) {
      return Optional.of("bad signature");
    }
    return issuers.isEmpty() ? Optional.empty() : vouchProblem(nodeId, header(reply, NodeSignature.VOUCH_HEADER));
  }

  private Optional<String> vouchProblem(String nodeId, String vouch) {
    if (vouch == null) {
      return Optional.of("not vouched for by a trusted node issuer");
    }
    int dot = vouch.indexOf('.');
    String issuer = dot < 0 ? vouch : vouch.substring(0, dot);
    if (!issuers.contains(issuer)) {
      return Optional.of("vouched for by an issuer not trusted here");
    }
    if (dot < 0 || !verifies(issuer, NodeSignature.vouched(nodeId), vouch.substring(dot + 1))) {
      return Optional.of("bad vouch signature");
    }
    return Optional.empty();
  }

  private static boolean verifies(String publicKey, byte[] data, String encodedSignature) {
    try {
      return NKeyPair.verify(publicKey, data, NodeSignature.decode(encodedSignature));
    } catch (IllegalArgumentException | KeyException e) {
      return false;
    }
  }

  private static String header(Message reply, String name) {
    return reply.getHeaders() == null ? null : reply.getHeaders().getFirst(name);
  }
}
