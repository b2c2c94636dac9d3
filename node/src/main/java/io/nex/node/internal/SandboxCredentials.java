package io.nex.node.internal;

/**
 * A sandbox's own nkey user on the internal server, whose seed goes to the agent and nowhere
 * else. Destroyed with the sandbox, never reused.
 */
public record SandboxCredentials(String sandboxId, String userPublicKey, String userSeed) {
  @Override
  public String toString() {
    // the seed is a secret: keep it out of any log line that prints this record
    return "SandboxCredentials[sandboxId=" + sandboxId + ", user=" + userPublicKey + "]";
  }
}
