package io.nex.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes, as the Nex CLI spells them. */
public final class GlobalOptions {
  @Option(names = {"-s", "--server"}, defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server URL (env NATS_URL; default ${DEFAULT-VALUE})")
  public String server;

  @Option(names = "--creds", defaultValue = "${env:NATS_CREDS}",
      description = "NATS credentials file (env NATS_CREDS)")
  public String creds;

  /** How long a lookup waits for its reply unless {@code --timeout} (or NATS_TIMEOUT) says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  public Duration timeout = DEFAULT_TIMEOUT;
  private boolean timeoutGiven;

  @Option(names = "--timeout", defaultValue = "${env:NATS_TIMEOUT}", converter = DurationOption.class,
      description = "time to wait for each reply (default 2s; a deploy's or stop's answer 30s unless given)")
  void timeout(Duration given) {
    if (given != null) {
      timeout = given;
      timeoutGiven = true;
    }
  }

  /** Whether the user set the timeout: then it bounds every wait, the slow ones (deploy, stop) too. */
  public boolean timeoutGiven() {
    return timeoutGiven;
  }

  /** Operator keys that must vouch for a node before the CLI trusts it (see {@code cli.trust.NodeTrust}). */
  @Option(names = "--trusted-node-issuer", split = ",", defaultValue = "${env:NEX_TRUSTED_NODE_ISSUERS}",
      description = "operator public key (O...) that must vouch for each node; repeat for several "
          + "(env NEX_TRUSTED_NODE_ISSUERS, comma-separated; default: any node that signs its answers)")
  public List<String> trustedNodeIssuers = new ArrayList<>();

  @Option(names = "--namespace", defaultValue = "${env:NEX_NAMESPACE:-default}",
      description = "workload namespace (env NEX_NAMESPACE; default ${DEFAULT-VALUE})")
  public String namespace;
}
