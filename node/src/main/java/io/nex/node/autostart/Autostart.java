package io.nex.node.autostart;

import io.nex.api.Json;
import io.nex.api.WorkloadType;
import io.nex.api.control.DeployRequest;
import io.nex.api.control.RunResponse;
import io.nex.keys.KeyType;
import io.nex.keys.NKeyPair;
import io.nex.keys.WorkloadJwt;
import io.nex.keys.XKeyPair;
import io.nex.node.config.NodeConfig.AutostartWorkload;
import io.nex.node.workload.Artifact;
import io.nex.node.workload.ArtifactCache;
import io.nex.node.workload.ArtifactException;
import io.nex.node.workload.ArtifactLocation;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.RefusedException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the config's {@code autostart.workloads} once the node is up, as Nex 0.2.7 did: each
 * as a deploy request to this node itself, signed by an account key made for this run and with
 * its environment sealed to the node's own xkey, so it takes the same path (and the same
 * checks) as any deploy. A workload that cannot start is logged and the others still start
 * (Nex #292: fail softly). {@code essential} counts only for service types.
 */
public final class Autostart {
  private static final Logger LOG = LoggerFactory.getLogger(Autostart.class);
  private static final String DEFAULT_NAMESPACE = "default";
  private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

  private final List<AutostartWorkload> workloads;
  private final String nodeId;
  private final String nodeXkey;
  private final ArtifactCache artifacts;
  private final long maxWorkloadBytes;
  private final Deployer deployer;
  private final Duration patience;
  private final NKeyPair issuer = NKeyPair.create(KeyType.ACCOUNT);
  private final XKeyPair sender = XKeyPair.create();

  /**
   * @param patience how long a workload may wait for the pool's first warm sandbox (the agents'
   *     handshake timeout: after that the node gives up on itself anyway)
   */
  public Autostart(List<AutostartWorkload> workloads, String nodeId, String nodeXkey, ArtifactCache artifacts,
      long maxWorkloadBytes, Deployer deployer, Duration patience) {
    this.workloads = List.copyOf(workloads);
    this.nodeId = nodeId;
    this.nodeXkey = nodeXkey;
    this.artifacts = artifacts;
    this.maxWorkloadBytes = maxWorkloadBytes;
    this.deployer = deployer;
    this.patience = patience;
  }

  /** Deploys the workloads one after the other on a thread of their own; returns at once. */
  public void startInBackground() {
    if (workloads.isEmpty()) {
      return;
    }
    Thread thread = new Thread(() -> workloads.forEach(this::deploy), "autostart");
    thread.setDaemon(true);
    thread.start();
  }

  private void deploy(AutostartWorkload w) {
    String namespace = w.namespace() == null || w.namespace().isBlank() ? DEFAULT_NAMESPACE : w.namespace();
    long deadline = System.nanoTime() + patience.toNanos();
    try {
      DeployRequest request = request(w);
      while (true) {
        try {
          RunResponse started = deployer.deploy(namespace, request);
          LOG.info("Autostarted workload name={} type={} namespace={} id={}", w.name(), w.type(), namespace,
              started.id());
          return;
        } catch (RefusedException e) {
          // the pool's first agents may still be starting
          if (!e.getMessage().startsWith("no warm sandbox") || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(RETRY_PAUSE.toMillis());
        }
      }
    } catch (RefusedException | ArtifactException e) {
      LOG.error("Autostart of workload name={} failed: {}", w.name(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private DeployRequest request(AutostartWorkload w) throws ArtifactException {
    // the JWT names the artifact's hash, so learn it first; the deploy then finds the file cached
    Artifact artifact = artifacts.fetch(ArtifactLocation.parse(w.location()), w.jsdomain(), maxWorkloadBytes);
    Map<String, String> env = w.environment() == null ? Map.of() : w.environment();
    String sealed = env.isEmpty() ? null
        : Base64.getEncoder().encodeToString(sender.seal(Json.write(env), nodeXkey));
    boolean service = WorkloadType.parse(w.type()).map(t -> !t.isFunction()).orElse(false);
    return new DeployRequest(w.argv(), w.description(), w.type(), w.location(),
        service && Boolean.TRUE.equals(w.essential()), WorkloadJwt.issue(issuer, w.name(), artifact.sha256()), sealed,
        w.jsdomain(), sender.publicKey(), nodeId, w.triggerSubjects(), 0, null, null);
  }
}
