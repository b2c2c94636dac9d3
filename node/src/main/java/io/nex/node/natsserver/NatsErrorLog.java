package io.nex.node.natsserver;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes jnats' complaints into the node's log (jnats would otherwise print them through
 * java.util.logging, in another format). Server errors are worth a warning; connection
 * exceptions repeat on every reconnect attempt, so they stay at debug.
 */
public final class NatsErrorLog implements ErrorListener {
  private static final Logger LOG = LoggerFactory.getLogger("nats");
  private final String connectionName;

  public NatsErrorLog(String connectionName) {
    this.connectionName = connectionName;
  }

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.warn("NATS server error on {}: {}", connectionName, error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    LOG.debug("NATS connection {} problem: {}", connectionName, exp.toString());
  }
}
