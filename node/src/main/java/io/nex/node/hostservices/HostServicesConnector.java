package io.nex.node.hostservices;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nex.node.config.NodeConfig;
import io.nex.node.natsserver.NodeConnectionOptions;
import java.io.IOException;
import java.util.Optional;

/**
 * The NATS connection host services act on ({@code host_services.nats_url}, {@code nats_user_jwt},
 * {@code nats_user_seed}, as in Nex): with all three empty, none of its own, and host services
 * use the control-plane connection; with credentials but no URL, the control plane's server
 * with those credentials. Like the control plane's, it reconnects forever.
 */
public final class HostServicesConnector {
  private static final String NAME = "nex-hostservices";

  private HostServicesConnector() {}

  /** Empty when host services should use the control-plane connection. */
  public static Optional<Connection> open(NodeConfig.HostServices config, String controlPlaneUrl)
      throws IOException, InterruptedException {
    if (blank(config.natsUrl()) && blank(config.natsUserJwt()) && blank(config.natsUserSeed())) {
      return Optional.empty();
    }
    if (!blank(config.natsUserJwt()) && blank(config.natsUserSeed())) {
      throw new IOException("host_services.nats_user_jwt needs host_services.nats_user_seed to sign with; set both");
    }
    String url = blank(config.natsUrl()) ? controlPlaneUrl : config.natsUrl();
    Options.Builder options = NodeConnectionOptions.builder(url, NAME);
    if (!blank(config.natsUserSeed())) {
      options.authHandler(Nats.staticCredentials(blank(config.natsUserJwt()) ? null : config.natsUserJwt().toCharArray(),
          config.natsUserSeed().toCharArray()));
    }
    try {
      return Optional.of(Nats.connect(options.build()));
    } catch (IOException | IllegalArgumentException e) {
      // the message never carries the seed: jnats reports the server's answer, not our credentials
      throw new IOException("cannot connect to host_services.nats_url " + url + ": " + e.getMessage()
          + " (fix the URL or credentials, or leave host_services.nats_url, nats_user_jwt and nats_user_seed "
          + "empty to use the control plane)");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
