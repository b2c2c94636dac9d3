package io.nex.node.essential;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.nex.api.Json;
import io.nex.api.control.DeployRequest;
import io.nex.keys.XKeyPair;
import io.nex.node.essential.FleetLeases.Lease;
import io.nex.node.metrics.NodeMetrics;
import io.nex.node.workload.Deployer;
import io.nex.node.workload.Deployment;
import io.nex.node.workload.DeploymentListener;
import io.nex.node.workload.RefusedException;
import io.nex.node.workload.WorkloadSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps essential workloads alive. On this node: a workload that exits is deployed again, after a
 * backoff, with its {@code retry_count} raised. Across the fleet: each essential workload's spec
 * lives in the control plane's {@code NEX_ESSENTIAL} bucket with its owner; when the owner's lease
 * goes quiet (the node died) or the owner releases it (lame duck, shutdown), the first live node
 * to claim it by compare-and-set runs it. Without JetStream on the control plane only the local
 * restarts work.
 */
public final class EssentialKeeper implements DeploymentListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EssentialKeeper.class);
  static final String SPECS_BUCKET = "NEX_ESSENTIAL";
  static final String LEASES_BUCKET = "NEX_NODES";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final int DEPLOY_THREADS = 2;

  /** An essential workload this node runs (or is bringing up). */
  private static final class Local {
    final String name;
    final String namespace;
    /** As recorded in the fleet's bucket: without its environment. */
    final DeployRequest request;
    /** What a restart deploys again: the spec of the last deploy, environment opened. */
    volatile WorkloadSpec spec;
    volatile String workloadId;
    volatile int retryCount;

    Local(String name, String namespace, DeployRequest request, int retryCount) {
      this.name = name;
      this.namespace = namespace;
      this.request = request;
      this.retryCount = retryCount;
    }
  }

  private final String nodeId;
  private final XKeyPair xkey;
  private final Deployer deployer;
  private final Predicate<String> runsType;
  private final BooleanSupplier lameDuck;
  private final NodeMetrics metrics;
  private final FleetBuckets buckets;
  /** The fleet's buckets, null until the control plane's JetStream answers. */
  private volatile KeyValue specs;
  private volatile FleetLeases leases;
  private volatile BucketWatch specWatch;
  private boolean warnedUnreachable;
  private final Map<String, Local> local = new ConcurrentHashMap<>();
  private final Map<String, String> keyByWorkload = new ConcurrentHashMap<>();
  /** Deploys this keeper itself sent, by identity, with the key they serve. */
  private final Map<WorkloadSpec, String> ownDeploys = Collections.synchronizedMap(new IdentityHashMap<>());
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "essential"));
  /** Restarts and takeovers, each a deploy that may wait seconds for a warm sandbox: a few at a time. */
  private final ExecutorService deploys = Executors.newFixedThreadPool(DEPLOY_THREADS, r -> daemon(r, "essential-deploy"));
  private volatile boolean closing;

  private EssentialKeeper(FleetBuckets buckets, String nodeId, XKeyPair xkey, Deployer deployer,
      Predicate<String> runsType, BooleanSupplier lameDuck, NodeMetrics metrics) {
    this.metrics = metrics;
    this.buckets = buckets;
    this.nodeId = nodeId;
    this.xkey = xkey;
    this.deployer = deployer;
    this.runsType = runsType;
    this.lameDuck = lameDuck;
  }

  /**
   * Starts keeping essential workloads of {@code deployer}.
   *
   * @param runsType whether this node can run a workload type (only such workloads are taken over)
   */
  public static EssentialKeeper start(FleetBuckets buckets, String nodeId, XKeyPair xkey, Deployer deployer,
      Predicate<String> runsType, BooleanSupplier lameDuck, NodeMetrics metrics) {
    EssentialKeeper keeper = new EssentialKeeper(buckets, nodeId, xkey, deployer, runsType, lameDuck, metrics);
    deployer.watch(keeper);
    long every = FleetLeases.RENEW_EVERY.toMillis();
    keeper.timer.scheduleWithFixedDelay(keeper::scan, 0, every, TimeUnit.MILLISECONDS);
    return keeper;
  }

  /**
   * Opens the fleet's buckets if they are not open yet; false while the control plane has no
   * JetStream (said once in the log; a JetStream cluster still electing its leader gets there).
   */
  private synchronized boolean fleetReachable() {
    if (specs != null) {
      return true;
    }
    try {
      KeyValue leaseBucket = buckets.open(KeyValueConfiguration.builder().name(LEASES_BUCKET)
          .maxHistoryPerKey(1).ttl(Duration.ofMinutes(1)).storageType(StorageType.Memory).build());
      KeyValue specBucket = buckets.open(KeyValueConfiguration.builder().name(SPECS_BUCKET)
          .maxHistoryPerKey(1).storageType(StorageType.File).build());
      leases = new FleetLeases(leaseBucket);
      specWatch = BucketWatch.start(specBucket);
      specs = specBucket;
      if (warnedUnreachable) {
        LOG.info("Control plane JetStream reachable; essential workloads can now be taken over across nodes");
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      if (leases != null) {
        leases.close();
        leases = null;
      }
      if (!warnedUnreachable) {
        warnedUnreachable = true;
        LOG.warn("Essential workloads restart on this node only until the control plane offers JetStream ({})",
            e.getMessage());
      }
      return false;
    }
  }

  /** The delay before restart number {@code retry}: 0.5 s, doubling, at most 30 s. */
  static Duration backoff(int retry) {
    long millis = FIRST_BACKOFF.toMillis() << Math.min(Math.max(retry - 1, 0), 16);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  @Override
  public void deployed(WorkloadSpec spec, Deployment deployment) {
    if (!spec.request().essential()) {
      return;
    }
    String key = ownDeploys.get(spec);
    if (key == null) {
      // a new essential workload, from the control plane
      key = deployment.id();
      local.put(key, new Local(deployment.name(), spec.namespace(), withoutEnvironment(spec.request()), 0));
    }
    Local workload = local.get(key);
    if (workload == null) {
      return;
    }
    workload.spec = spec;
    workload.workloadId = deployment.id();
    keyByWorkload.put(deployment.id(), key);
    String published = key;
    timer.execute(() -> publish(published));
  }

  @Override
  public void ended(Deployment deployment, int code, String reason, Ending ending) {
    String key = keyByWorkload.remove(deployment.id());
    if (key == null) {
      return;
    }
    switch (ending) {
      case REQUESTED -> {
        local.remove(key);
        timer.execute(() -> forget(key));
      }
      case EVICTED -> local.remove(key);
      case EXITED -> {
        Local workload = local.get(key);
        if (workload == null || closing || lameDuck.getAsBoolean()) {
          // a draining node has handed its essential workloads to the fleet already
          local.remove(key);
          return;
        }
        int retry = workload.retryCount + 1;
        Duration delay = backoff(retry);
        LOG.info("Essential workload exited; restarting name={} code={} retry_count={} in={}ms",
            deployment.name(), code, retry, delay.toMillis());
        timer.schedule(() -> deploys.execute(() -> restart(key, retry)), delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void restart(String key, int retry) {
    Local workload = local.get(key);
    if (workload == null || closing) {
      return;
    }
    workload.retryCount = retry;
    try {
      deploy(key, workload.spec.retried(retry));
      metrics.essentialRestarted();
    } catch (RefusedException e) {
      int next = retry + 1;
      LOG.warn("Restart of essential workload refused: {}; trying again retry_count={} in={}ms", e.getMessage(), next,
          backoff(next).toMillis());
      timer.schedule(() -> deploys.execute(() -> restart(key, next)), backoff(next).toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void deploy(String key, WorkloadSpec spec) throws RefusedException {
    ownDeploys.put(spec, key);
    try {
      deployer.deploy(spec);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefusedException("interrupted");
    } finally {
      ownDeploys.remove(spec);
    }
  }

  /** One round: renew our lease, hand our workloads' environments to new peers, take over orphans. */
  private void scan() {
    if (closing || !fleetReachable()) {
      return;
    }
    try {
      leases.renew(new Lease(nodeId, xkey.publicKey(), lameDuck.getAsBoolean()));
      Map<String, Lease> alive = leases.alive();
      for (Map.Entry<String, BucketWatch.Seen> stored : specWatch.entries().entrySet()) {
        String key = stored.getKey();
        EssentialSpec spec = Json.read(stored.getValue().value(), EssentialSpec.class);
        Local mine = local.get(key);
        if (nodeId.equals(spec.owner())) {
          boolean sealedForAll = spec.environmentSender() == null || spec.environmentByNode() == null
              || spec.environmentByNode().keySet().containsAll(alive.keySet());
          if (mine != null && !sealedForAll) {
            publish(key);
          }
        } else if (mine != null && !spec.released()) {
          LOG.info("Essential workload taken over by node {}; stopping our copy name={} id={}", spec.owner(),
              spec.name(), mine.workloadId);
          local.remove(key);
          if (mine.workloadId != null) {
            deployer.evict(mine.workloadId, "Essential workload taken over by node " + spec.owner());
          }
        } else if (mine == null && canTakeOver(spec, alive)) {
          claim(key, spec, stored.getValue().revision());
        }
      }
    } catch (IOException | JetStreamApiException | Json.MalformedJsonException | RuntimeException e) {
      LOG.debug("Essential scan failed: {}", e.getMessage());
    }
  }

  private boolean canTakeOver(EssentialSpec spec, Map<String, Lease> alive) {
    boolean orphaned = spec.released() || !alive.containsKey(spec.owner());
    boolean canOpen = spec.environmentByNode() == null || spec.environmentByNode().isEmpty()
        || spec.environmentByNode().containsKey(nodeId);
    return orphaned && canOpen && !lameDuck.getAsBoolean() && runsType.test(spec.request().type());
  }

  private void claim(String key, EssentialSpec spec, long revision) throws IOException {
    try {
      specs.update(key, Json.write(spec.withOwner(nodeId, spec.workloadId(), spec.retryCount())), revision);
    } catch (JetStreamApiException e) {
      return; // another node claimed it first
    }
    String from = spec.released() ? "released" : "node " + spec.owner();
    Local workload = new Local(spec.name(), spec.namespace(), spec.request(), spec.retryCount());
    local.put(key, workload);
    Instant started = Instant.now();
    deploys.execute(() -> {
      try {
        // the owner sealed the environment to this node's xkey: opened here, as a deploy's would be
        deploy(key, WorkloadSpec.opened(spec.namespace(), withEnvironment(spec.request(),
            spec.environmentByNode() == null ? null : spec.environmentByNode().get(nodeId), spec.environmentSender(),
            spec.retryCount()), xkey));
        metrics.essentialTakenOver();
        LOG.info("Took over essential workload name={} from={} id={} deploy_ms={}", spec.name(), from,
            workload.workloadId, Duration.between(started, Instant.now()).toMillis());
      } catch (RefusedException e) {
        LOG.warn("Could not take over essential workload {}: {}; releasing it for another node", key, e.getMessage());
        local.remove(key);
        release(key);
      }
    });
  }

  /** Writes this node's view of an essential workload it runs, sealed for every live peer. */
  private void publish(String key) {
    Local workload = local.get(key);
    if (workload == null || workload.workloadId == null || !fleetReachable()) {
      return;
    }
    try {
      Map<String, Lease> peers = new HashMap<>(leases.alive());
      peers.putIfAbsent(nodeId, new Lease(nodeId, xkey.publicKey(), false));
      Map<String, String> sealed = new HashMap<>();
      Map<String, String> environment = workload.spec == null ? Map.of() : workload.spec.environment();
      if (!environment.isEmpty()) {
        byte[] plain = Json.write(environment);
        peers.values().forEach(p -> sealed.put(p.nodeId(),
            Base64.getEncoder().encodeToString(xkey.seal(plain, p.xkey()))));
      }
      EssentialSpec spec = new EssentialSpec(key, workload.name, workload.namespace, nodeId, workload.workloadId,
          workload.retryCount, workload.request, sealed.isEmpty() ? null : xkey.publicKey(), sealed);
      KeyValueEntry current = specs.get(key);
      if (current != null && current.getValue() != null) {
        EssentialSpec stored = Json.read(current.getValue(), EssentialSpec.class);
        if (!stored.released() && !nodeId.equals(stored.owner())) {
          return; // somebody else's now; the next scan stops our copy
        }
        specs.update(key, Json.write(spec), current.getRevision());
      } else {
        specs.create(key, Json.write(spec));
      }
    } catch (IOException | JetStreamApiException | Json.MalformedJsonException | RuntimeException e) {
      LOG.debug("Could not record essential workload {}: {}", key, e.getMessage());
    }
  }

  /** Marks a workload of ours as free for any node to take. */
  private void release(String key) {
    try {
      KeyValueEntry current = specs.get(key);
      if (current == null || current.getValue() == null) {
        return;
      }
      EssentialSpec spec = Json.read(current.getValue(), EssentialSpec.class);
      if (nodeId.equals(spec.owner())) {
        specs.update(key, Json.write(spec.withOwner("", spec.workloadId(), spec.retryCount())), current.getRevision());
      }
    } catch (IOException | JetStreamApiException | Json.MalformedJsonException | RuntimeException e) {
      LOG.debug("Could not release essential workload {}: {}", key, e.getMessage());
    }
  }

  private void forget(String key) {
    if (!fleetReachable()) {
      return;
    }
    try {
      specs.delete(key);
    } catch (IOException | JetStreamApiException e) {
      LOG.debug("Could not forget essential workload {}: {}", key, e.getMessage());
    }
  }

  /** Hands every essential workload of this node to the fleet (lame duck or shutdown). */
  public void releaseAll() {
    if (specs == null) {
      return;
    }
    List.copyOf(local.keySet()).forEach(this::release);
    if (!local.isEmpty()) {
      LOG.info("Released {} essential workload(s) for other nodes to take over", local.size());
    }
  }

  @Override
  public void close() {
    closing = true;
    timer.shutdownNow();
    if (specs != null) {
      releaseAll();
      try {
        leases.withdraw(nodeId);
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        LOG.debug("Could not withdraw our lease: {}", e.getMessage());
      }
      leases.close();
      specWatch.close();
    }
    deploys.shutdownNow();
  }

  private DeployRequest withEnvironment(DeployRequest r, String environment, String sender, int retry) {
    return new DeployRequest(r.argv(), r.description(), r.type(), r.location(), true, r.workloadJwt(), environment,
        r.jsdomain(), sender, nodeId, r.triggerSubjects(), retry, Instant.now().toString(), r.hostServices());
  }

  private static DeployRequest withoutEnvironment(DeployRequest r) {
    return new DeployRequest(r.argv(), r.description(), r.type(), r.location(), true, r.workloadJwt(), null,
        r.jsdomain(), null, null, r.triggerSubjects(), r.retryCount(), r.retriedAt(), r.hostServices());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
