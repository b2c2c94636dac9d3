package io.nex.node.metrics;

import io.nex.api.WorkloadType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the node counts, under names starting {@code nex_}, on the Prometheus Java client: the
 * parts of the node report events through the typed methods here, and the pool and the workloads
 * are read at scrape time. Each node has a registry of its own (not the client's default one), so
 * nodes in one JVM (tests) do not share counts.
 */
public final class NodeMetrics {
  /** Seconds; deploys and function runs both fall between a few milliseconds and seconds. */
  static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  private static final Set<String> HOST_SERVICES = Set.of("kv", "objectstore", "messaging", "http");
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter deploys = counter("nex_deploys_total",
      "Deploy requests handled, by outcome (accepted, refused).", "outcome");
  private final Histogram deployLatency = histogram("nex_deploy_duration_seconds",
      "Time from a deploy request to the agent's acceptance, for accepted deploys.", "type");
  private final Counter triggers = counter("nex_function_triggers_total",
      "Function runs, by outcome (success, failure).", "outcome");
  private final Histogram triggerLatency = histogram("nex_function_trigger_duration_seconds",
      "Time from a trigger message to the function's answer, as the node saw it.", "outcome");
  private final Counter functionCalls = counter("nex_function_calls_total",
      "Function runs per function (namespace and workload name), by outcome (success, failure).",
      "namespace", "workload", "outcome");
  private final Histogram functionLatency = histogram("nex_function_call_duration_seconds",
      "Time from a trigger message to the function's answer, per function (namespace and workload name).",
      "namespace", "workload");
  private final Counter hostServiceCalls = counter("nex_host_service_calls_total",
      "Host-service calls from workloads, by service, method and outcome (ok, refused, error).",
      "service", "method", "outcome");
  private final Counter controlPlaneReconnects = counter("nex_control_plane_reconnects_total",
      "Times the node's control-plane connection came back after a loss.");
  private final Counter internalServerRestarts = counter("nex_internal_server_restarts_total",
      "Times the node restarted its internal nats-server after it exited.");
  private final Counter logLinesDropped = counter("nex_log_lines_dropped_total",
      "Workload log lines dropped because the control plane was unreachable.");
  private final Counter essentialRestarts = counter("nex_essential_restarts_total",
      "Essential workloads deployed again on this node after they exited.");
  private final Counter essentialTakeovers = counter("nex_essential_takeovers_total",
      "Essential workloads this node took over from a dead or departed node.");

  {
    // series with a known label space start at zero, so a dashboard sees them (and their type) before the first event
    deploys.initLabelValues("accepted");
    deploys.initLabelValues("refused");
    for (WorkloadType type : WorkloadType.values()) {
      deployLatency.initLabelValues(type.wireName());
    }
    for (String outcome : new String[] {"success", "failure"}) {
      triggers.initLabelValues(outcome);
      triggerLatency.initLabelValues(outcome);
    }
  }

  // no exemplars: the client's sampler schedules a task on its own thread for observations,
  // which at thousands of triggers a second cost the node more than the triggers' own metrics
  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
  }

  private Histogram histogram(String name, String help, String... labels) {
    return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
  }

  /** 1 while the node is in lame duck mode. */
  public void watchLameDuck(BooleanSupplier lameDuck) {
    GaugeWithCallback.builder().name("nex_lameduck").help("1 while the node is in lame duck mode (draining), else 0.")
        .callback(gauge -> gauge.call(lameDuck.getAsBoolean() ? 1 : 0))
        .register(registry);
  }

  /** The pool's sandboxes by state ({@code warm}, {@code starting}), from their wire states. */
  public void watchPool(int targetSize, Supplier<Collection<String>> states) {
    GaugeWithCallback.builder().name("nex_pool_target_size").help("Sandboxes the warm pool keeps.")
        .callback(gauge -> gauge.call(targetSize))
        .register(registry);
    GaugeWithCallback.builder().name("nex_pool_sandboxes").help("Sandboxes in the warm pool, by state.")
        .labelNames("state")
        .callback(gauge -> {
          Map<String, Integer> byState = new LinkedHashMap<>();
          byState.put("warm", 0);
          byState.put("starting", 0);
          states.get().forEach(s -> byState.merge(s.equals("ready") ? "warm" : s, 1, Integer::sum));
          byState.forEach((state, count) -> gauge.call(count, state));
        })
        .register(registry);
  }

  /** Deployed workloads by type and state; {@code workloads} gives one (type, state) pair per workload. */
  public void watchWorkloads(Supplier<Collection<List<String>>> workloads) {
    GaugeWithCallback.builder().name("nex_workloads").help("Deployed workloads, by type and state.")
        .labelNames("type", "state")
        .callback(gauge -> {
          Map<List<String>, Integer> counts = new LinkedHashMap<>();
          workloads.get().forEach(typeAndState -> counts.merge(typeAndState, 1, Integer::sum));
          counts.forEach((typeAndState, count) -> gauge.call(count, typeAndState.toArray(String[]::new)));
        })
        .register(registry);
  }

  /** Function hosts running and the functions they have room for still (ours). */
  public void watchFunctionHosts(IntSupplier hosts, LongSupplier freeSlots) {
    GaugeWithCallback.builder().name("nex_function_hosts")
        .help("Function hosts running (sandboxes whose agent runs many functions).")
        .callback(gauge -> gauge.call(hosts.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder().name("nex_function_host_free_slots")
        .help("Functions the running function hosts have room for still.")
        .callback(gauge -> gauge.call(freeSlots.getAsLong()))
        .register(registry);
  }

  public void deployAccepted(String type, double seconds) {
    deploys.labelValues("accepted").inc();
    deployLatency.labelValues(type).observe(seconds);
  }

  public void deployRefused() {
    deploys.labelValues("refused").inc();
  }

  /**
   * One function run. The per-function series are named by what the deploy's signer chose
   * (namespace and workload name), so they grow with the functions deployed, never with triggers.
   */
  public void triggerFinished(String namespace, String workload, boolean succeeded, double seconds) {
    triggerFinished(succeeded, seconds);
    functionCalls.labelValues(namespace, workload, outcome(succeeded)).inc();
    functionLatency.labelValues(namespace, workload).observe(seconds);
  }

  /** A trigger counted node-wide only: its function's series are gone ({@link #functionGone}). */
  public void triggerFinished(boolean succeeded, double seconds) {
    triggers.labelValues(outcome(succeeded)).inc();
    triggerLatency.labelValues(outcome(succeeded)).observe(seconds);
  }

  private static String outcome(boolean succeeded) {
    return succeeded ? "success" : "failure";
  }

  /**
   * Drops the per-function series of a function no longer deployed here under that namespace and
   * name, so that a node deploying and stopping functions for months does not keep a series for
   * every name it ever ran. The node-wide counts keep its runs.
   */
  public void functionGone(String namespace, String workload) {
    functionCalls.remove(namespace, workload, "success");
    functionCalls.remove(namespace, workload, "failure");
    functionLatency.remove(namespace, workload);
  }

  /**
   * One host-service call and its reply code. Service and method come from the workload, so
   * only known services keep their names and only calls a service recognised keep their method:
   * a workload cannot grow the label space.
   */
  public void hostServiceCall(String service, String method, int code) {
    boolean known = HOST_SERVICES.contains(service);
    boolean recognised = known && code != 400 && code != 404;
    String outcome = code < 400 ? "ok" : code < 500 ? "refused" : "error";
    hostServiceCalls.labelValues(known ? service : "unknown", recognised ? method : "unknown", outcome).inc();
  }

  public void controlPlaneReconnected() {
    controlPlaneReconnects.inc();
  }

  public void internalServerRestarted() {
    internalServerRestarts.inc();
  }

  public void essentialRestarted() {
    essentialRestarts.inc();
  }

  public void essentialTakenOver() {
    essentialTakeovers.inc();
  }

  public void logLineDropped() {
    logLinesDropped.inc();
  }

  /** Every metric as it is now, for an exporter. */
  public MetricSnapshots snapshot() {
    return registry.scrape();
  }

  /** The Prometheus text format (0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TEXT.write(out, snapshot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
