package io.nex.node.workload;

import io.nex.keys.KeyException;
import io.nex.keys.WorkloadJwt;
import java.util.List;

/** Who may deploy (a valid signature from an allowed issuer) and who may stop (the issuer that deployed). */
final class IssuerCheck {
  private final List<String> validIssuers;

  IssuerCheck(List<String> validIssuers) {
    this.validIssuers = validIssuers;
  }

  WorkloadJwt.Claims verifyDeploy(String jwt) throws RefusedException {
    WorkloadJwt.Claims claims = verify(jwt);
    if (!validIssuers.isEmpty() && !validIssuers.contains(claims.issuer())) {
      throw new RefusedException("issuer " + claims.issuer() + " is not in this node's valid_issuers");
    }
    return claims;
  }

  WorkloadJwt.Claims verifyStop(String jwt, Deployment deployment) throws RefusedException {
    WorkloadJwt.Claims claims = verify(jwt);
    if (!claims.issuer().equals(deployment.issuer())) {
      throw new RefusedException("only the issuer that deployed workload " + deployment.id() + " may stop it");
    }
    if (!claims.name().equals(deployment.name())) {
      throw new RefusedException("workload_jwt names \"" + claims.name() + "\" but workload " + deployment.id()
          + " is \"" + deployment.name() + "\"");
    }
    return claims;
  }

  private static WorkloadJwt.Claims verify(String jwt) throws RefusedException {
    if (jwt == null || jwt.isBlank()) {
      throw new RefusedException("missing workload_jwt: requests must be signed by an issuer account");
    }
    try {
      return WorkloadJwt.verify(jwt);
    } catch (KeyException e) {
      throw new RefusedException("invalid workload_jwt: " + e.getMessage());
    }
  }
}
