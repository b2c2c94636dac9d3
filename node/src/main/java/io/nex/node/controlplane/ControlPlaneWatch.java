package io.nex.node.controlplane;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nex.node.metrics.NodeMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control-plane connection through losses. jnats reconnects on its own (forever, to
 * the same URL) and re-subscribes, so the control API answers again without us; what we add is
 * the log, the metrics and the rule for workload logs: a log line that arrives while the
 * connection is down is dropped and counted (not queued in jnats' reconnect buffer, which is
 * kept for events and replies), and the count is logged when the connection comes back.
 */
public final class ControlPlaneWatch implements ConnectionListener {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneWatch.class);

  private final NodeMetrics metrics;
  private final AtomicLong droppedWhileDown = new AtomicLong();
  private volatile boolean connected = true;
  private volatile long downSince;

  public ControlPlaneWatch(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void connectionEvent(Connection conn, Events type) {
    switch (type) {
      case DISCONNECTED -> {
        if (connected) {
          connected = false;
          downSince = System.nanoTime();
          LOG.warn("Control plane connection lost; reconnecting to {} (workload logs are dropped until it is back)",
              conn.getOptions().getServers().get(0));
        }
      }
      case RECONNECTED -> {
        connected = true;
        metrics.controlPlaneReconnected();
        long downMillis = (System.nanoTime() - downSince) / 1_000_000;
        LOG.info("Control plane reconnected after {} ms; {} log lines dropped while disconnected", downMillis,
            droppedWhileDown.getAndSet(0));
      }
      default -> {
        // connected, closed, discovered servers, lame duck: nothing to add
      }
    }
  }

  /** True unless the connection is known to be down. */
  public boolean connected() {
    return connected;
  }

  /** A workload log line had nowhere to go. */
  public void logLineDropped() {
    droppedWhileDown.incrementAndGet();
    metrics.logLineDropped();
  }
}
