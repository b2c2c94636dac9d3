package io.nex.node.lameduck;

import io.nex.api.NexVersion;
import io.nex.api.events.EventTypes;
import io.nex.node.telemetry.EventPublisher;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.Deployments;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lame duck mode: the node refuses new work, lets its workloads finish until a deadline, stops
 * what is left, then exits. Nex 0.2.7 only set a tag and kept running forever.
 */
public final class LameDuck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LameDuck.class);
  /** How long running workloads get to finish when the request names no deadline. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String nodeId;
  private final Deployer deployer;
  private final Deployments deployments;
  private final EventPublisher events;
  private final Runnable onEntered;
  private final Runnable exit;
  private volatile boolean active;
  private Thread drainer;

  /**
   * @param onEntered runs once when the mode is entered (the node tags itself, hands its
   *     essential workloads to the fleet)
   * @param exit stops the node once it has drained
   */
  public LameDuck(String nodeId, Deployer deployer, Deployments deployments, EventPublisher events,
      Runnable onEntered, Runnable exit) {
    this.nodeId = nodeId;
    this.deployer = deployer;
    this.deployments = deployments;
    this.events = events;
    this.onEntered = onEntered;
    this.exit = exit;
  }

  public boolean active() {
    return active;
  }

  /** Enters lame duck mode; a second call changes nothing and returns false. */
  public synchronized boolean enter(Duration deadline) {
    if (active) {
      return false;
    }
    active = true;
    deployer.refuseNewWork("node " + nodeId + " is in lame duck mode and takes no new workloads");
    onEntered.run();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("version", NexVersion.VERSION);
    data.put("id", nodeId);
    data.put("deadline_ms", deadline.toMillis());
    events.publishSystem(EventTypes.NODE_ENTERED_LAMEDUCK, data);
    LOG.info("Node entered lame duck mode; refusing new work, {} workload(s) running, stopping at the deadline in {} ms",
        deployments.count(), deadline.toMillis());
    Instant until = Instant.now().plus(deadline);
    drainer = new Thread(() -> drain(until), "lameduck");
    drainer.setDaemon(true);
    drainer.start();
    return true;
  }

  private void drain(Instant until) {
    try {
      while (deployments.count() > 0 && Instant.now().isBefore(until)) {
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      return;
    }
    int left = deployments.count();
    if (left > 0) {
      LOG.info("Lame duck deadline reached; stopping {} workload(s)", left);
      deployments.all().forEach(d -> deployer.evict(d.id(), "Node in lame duck mode: deadline reached"));
    }
    LOG.info("Lame duck drained; node exiting");
    exit.run();
  }

  @Override
  public synchronized void close() {
    if (drainer != null && drainer != Thread.currentThread()) {
      drainer.interrupt();
    }
  }
}
