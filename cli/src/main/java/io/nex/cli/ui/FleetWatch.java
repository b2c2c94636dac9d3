package io.nex.cli.ui;

import io.nex.api.Envelope;
import io.nex.api.Subjects;
import io.nex.api.control.InfoResponse;
import io.nex.api.control.PingResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.trust.NodeReply;
import io.nex.cli.ui.FleetView.NodeRow;
import io.nex.cli.ui.FleetView.WorkloadRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the fleet view current: every {@link #PERIOD} (and soon after any lifecycle event) it
 * pings all nodes and asks each for its INFO, as {@code node ls} and {@code node info} do. A node
 * that said {@code node_stopped} goes at once; one that stopped answering (killed) after
 * {@link #SILENCE}. While the control plane is unreachable the last view stays, under the banner.
 */
final class FleetWatch implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(2);
  static final Duration SILENCE = Duration.ofSeconds(6);
  /** After the first ping reply, how long to wait for the next before the round is complete. */
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Duration DEBOUNCE = Duration.ofMillis(150);
  /** How long a stopped node's late ping replies are ignored. */
  private static final Duration GONE_FOR = Duration.ofSeconds(10);

  private final ControlPlaneLink link;
  private final String namespace;
  private final Hub hub;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nex-ui-fleet"));
  private final AtomicBoolean soonPending = new AtomicBoolean();
  /** Touched only on {@link #thread}. */
  private final Map<String, Known> known = new HashMap<>();
  private final Map<String, Long> gone = new HashMap<>();

  private record Known(NodeRow row, long seenAt) {}

  FleetWatch(ControlPlaneLink link, String namespace, Hub hub) {
    this.link = link;
    this.namespace = namespace;
    this.hub = hub;
    publish();
  }

  void start() {
    thread.scheduleWithFixedDelay(this::refresh, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Refreshes shortly; events that come in a burst cost one round. */
  void soon() {
    if (soonPending.compareAndSet(false, true)) {
      thread.schedule(() -> {
        soonPending.set(false);
        refresh();
      }, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** A node said it stopped: its row goes now, and its last ping replies are not believed. */
  void stopped(String nodeId) {
    thread.execute(() -> {
      gone.put(nodeId, System.nanoTime());
      if (known.remove(nodeId) != null) {
        publish();
      }
    });
  }

  /**
   * The control plane is back: nodes get a fresh {@link #SILENCE} to reconnect too, rather than
   * being dropped for the time nobody could hear them.
   */
  void reconnected() {
    thread.execute(() -> {
      long now = System.nanoTime();
      known.replaceAll((id, k) -> new Known(k.row(), now));
    });
    soon();
  }

  private void refresh() {
    Optional<ControlPlaneClient> connected = link.client();
    if (connected.isEmpty()) {
      return;
    }
    ControlPlaneClient client = connected.get();
    try {
      long now = System.nanoTime();
      gone.values().removeIf(at -> now - at > GONE_FOR.toNanos());
      for (NodeReply answer : client.gatherFromNodes(Subjects.ping(), new byte[0], QUIET)) {
        Envelope reply = answer.envelope();
        // an answer that is not the node's own (NodeTrust) is no node of the fleet: its row's
        // buttons would act on a name an impostor chose
        if (reply.failed() || !answer.trusted()) {
          continue;
        }
        PingResponse ping = reply.dataAs(PingResponse.class);
        if (ping.nodeId() != null && !gone.containsKey(ping.nodeId())) {
          known.put(ping.nodeId(), new Known(row(client, ping), now));
        }
      }
      known.values().removeIf(k -> now - k.seenAt() > SILENCE.toNanos());
      publish();
    } catch (CliException | IllegalArgumentException e) {
      // the connection dropped mid-round, or a reply we cannot read: the next round tries again
    }
  }

  private NodeRow row(ControlPlaneClient client, PingResponse ping) {
    Known before = known.get(ping.nodeId());
    Map<String, String> tags = ping.tags() == null ? Map.of() : ping.tags();
    InfoResponse info = info(client, ping.nodeId());
    if (info == null) {
      // INFO did not answer this round: keep what we knew and take what the ping says
      NodeRow old = before != null ? before.row() : null;
      return new NodeRow(ping.nodeId(), tags.get("node_name"), ping.version(), ping.uptime(), tags,
          old != null ? old.sandbox() : null, old != null ? old.poolReady() : 0, old != null ? old.poolStarting() : 0,
          ping.runningMachines(), old != null ? old.memoryTotalKb() : 0, old != null ? old.memoryAvailableKb() : 0,
          lameDuck(tags), old != null ? old.workloads() : List.of());
    }
    int ready = 0;
    int starting = 0;
    for (InfoResponse.PooledAgent agent : info.pool() == null ? List.<InfoResponse.PooledAgent>of() : info.pool()) {
      if ("ready".equals(agent.state())) {
        ready++;
      } else {
        starting++;
      }
    }
    List<WorkloadRow> workloads = new ArrayList<>();
    for (InfoResponse.MachineSummary m : info.machines() == null ? List.<InfoResponse.MachineSummary>of() : info.machines()) {
      InfoResponse.WorkloadSummary w = m.workload();
      workloads.add(new WorkloadRow(m.id(), w.name(), w.type(), m.namespace(), w.runtime(), m.uptime(), w.essential(),
          m.healthy(), w.description()));
    }
    workloads.sort(Comparator.comparing(WorkloadRow::name, Comparator.nullsLast(Comparator.naturalOrder())));
    InfoResponse.Memory memory = info.memory();
    return new NodeRow(ping.nodeId(), tags.get("node_name"), ping.version(), ping.uptime(), tags, info.sandbox(),
        ready, starting, ping.runningMachines(), memory == null ? 0 : memory.total(),
        memory == null ? 0 : memory.available(), lameDuck(tags), workloads);
  }

  private InfoResponse info(ControlPlaneClient client, String nodeId) {
    try {
      Envelope reply = client.requestFromNode(Subjects.info(namespace, nodeId), new byte[0], nodeId);
      return reply.failed() ? null : reply.dataAs(InfoResponse.class);
    } catch (CliException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean lameDuck(Map<String, String> tags) {
    return "true".equals(tags.get("nex.lameduck"));
  }

  private void publish() {
    List<NodeRow> rows = known.values().stream().map(Known::row)
        .sorted(Comparator.comparing((NodeRow r) -> r.name() == null ? "" : r.name()).thenComparing(NodeRow::id))
        .toList();
    hub.state("fleet", new FleetView(namespace, rows));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
