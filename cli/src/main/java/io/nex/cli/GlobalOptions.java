package io.nex.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command takes, as the Nex CLI spells them. */
public final class GlobalOptions {
  @Option(names = {"-s", "--server"}, defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server URL (env NATS_URL; default ${DEFAULT-VALUE})")
  public String server;

  @Option(names = "--creds", defaultValue = "${env:NATS_CREDS}",
      description = "NATS credentials file (env NATS_CREDS)")
  public String creds;

  @Option(names = "--timeout", defaultValue = "${env:NATS_TIMEOUT:-2s}",
      converter = DurationOption.class, description = "time to wait for replies (default ${DEFAULT-VALUE})")
  public Duration timeout;

  @Option(names = "--namespace", defaultValue = "${env:NEX_NAMESPACE:-default}",
      description = "workload namespace (env NEX_NAMESPACE; default ${DEFAULT-VALUE})")
  public String namespace;
}
