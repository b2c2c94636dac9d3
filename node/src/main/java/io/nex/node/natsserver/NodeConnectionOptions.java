package io.nex.node.natsserver;

import io.nats.client.Options;
import java.time.Duration;

/**
 * What every connection the node opens shares: it reconnects forever, quickly, to the same
 * server, and its complaints go to the node's log.
 */
public final class NodeConnectionOptions {
  /**
   * How long a publish may wait to enter jnats' write queue. jnats gives up after 2 s with
   * "Output queue is busy", and the message is lost; on a box busy starting hundreds of agents
   * that happened to deploy answers, so the node waits as long as a request's caller would.
   */
  static final Duration WRITE_QUEUE_WAIT = Duration.ofSeconds(30);
  private static final Duration RECONNECT_WAIT = Duration.ofMillis(250);

  private NodeConnectionOptions() {}

  public static Options.Builder builder(String url, String connectionName) {
    return new Options.Builder()
        .server(url)
        .connectionName(connectionName)
        .connectionTimeout(Duration.ofSeconds(2))
        .maxReconnects(-1)
        .reconnectWait(RECONNECT_WAIT)
        .writeQueuePushTimeout(WRITE_QUEUE_WAIT)
        .errorListener(new NatsErrorLog(connectionName));
  }
}
