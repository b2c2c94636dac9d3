package io.nex.node.metrics;

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
 * What the node counts, under names starting {@code nex_}: the parts of the node report events
 * through the typed methods here, and the pool and the workloads are read at scrape time.
 */
public final class NodeMetrics {
  /** Seconds; deploys and function runs both fall between a few milliseconds and seconds. */
  static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  private static final Set<String> HOST_SERVICES = Set.of("kv", "objectstore", "messaging", "http");

  private final MetricRegistry registry = new MetricRegistry();
  private final Counter deploys = registry.counter("nex_deploys_total",
      "Deploy requests handled, by outcome (accepted, refused).", "outcome");
  private final Histogram deployLatency = registry.histogram("nex_deploy_duration_seconds",
      "Time from a deploy request to the agent's acceptance, for accepted deploys.", LATENCY_BUCKETS, "type");
  private final Counter triggers = registry.counter("nex_function_triggers_total",
      "Function runs, by outcome (success, failure).", "outcome");
  private final Histogram triggerLatency = registry.histogram("nex_function_trigger_duration_seconds",
      "Time from a trigger message to the function's answer, as the node saw it.", LATENCY_BUCKETS, "outcome");
  private final Counter hostServiceCalls = registry.counter("nex_host_service_calls_total",
      "Host-service calls from workloads, by service, method and outcome (ok, refused, error).",
      "service", "method", "outcome");
  private final Counter controlPlaneReconnects = registry.counter("nex_control_plane_reconnects_total",
      "Times the node's control-plane connection came back after a loss.");
  private final Counter internalServerRestarts = registry.counter("nex_internal_server_restarts_total",
      "Times the node restarted its internal nats-server after it exited.");
  private final Counter logLinesDropped = registry.counter("nex_log_lines_dropped_total",
      "Workload log lines dropped because the control plane was unreachable.");
  private final Counter essentialRestarts = registry.counter("nex_essential_restarts_total",
      "Essential workloads deployed again on this node after they exited.");
  private final Counter essentialTakeovers = registry.counter("nex_essential_takeovers_total",
      "Essential workloads this node took over from a dead or departed node.");

  /** 1 while the node is in lame duck mode. */
  public void watchLameDuck(BooleanSupplier lameDuck) {
    registry.gauge("nex_lameduck", "1 while the node is in lame duck mode (draining), else 0.",
        () -> Map.of(List.of(), lameDuck.getAsBoolean() ? 1.0 : 0.0));
  }

  /** The pool's sandboxes by state ({@code warm}, {@code starting}), from their wire states. */
  public void watchPool(int targetSize, Supplier<Collection<String>> states) {
    registry.gauge("nex_pool_target_size", "Sandboxes the warm pool keeps.",
        () -> Map.of(List.of(), (double) targetSize));
    registry.gauge("nex_pool_sandboxes", "Sandboxes in the warm pool, by state.", () -> {
      Map<List<String>, Double> byState = new LinkedHashMap<>();
      byState.put(List.of("warm"), 0.0);
      byState.put(List.of("starting"), 0.0);
      states.get().forEach(s -> byState.merge(List.of(s.equals("ready") ? "warm" : s), 1.0, Double::sum));
      return byState;
    }, "state");
  }

  /** Deployed workloads by type and state; {@code workloads} gives one (type, state) pair per workload. */
  public void watchWorkloads(Supplier<Collection<List<String>>> workloads) {
    registry.gauge("nex_workloads", "Deployed workloads, by type and state.", () -> {
      Map<List<String>, Double> counts = new LinkedHashMap<>();
      workloads.get().forEach(typeAndState -> counts.merge(typeAndState, 1.0, Double::sum));
      return counts;
    }, "type", "state");
  }

  /** Function hosts running and the functions they have room for still (ours). */
  public void watchFunctionHosts(IntSupplier hosts, LongSupplier freeSlots) {
    registry.gauge("nex_function_hosts", "Function hosts running (sandboxes whose agent runs many functions).",
        () -> Map.of(List.of(), (double) hosts.getAsInt()));
    registry.gauge("nex_function_host_free_slots", "Functions the running function hosts have room for still.",
        () -> Map.of(List.of(), (double) freeSlots.getAsLong()));
  }

  public void deployAccepted(String type, double seconds) {
    deploys.inc("accepted");
    deployLatency.observe(seconds, type);
  }

  public void deployRefused() {
    deploys.inc("refused");
  }

  public void triggerFinished(boolean succeeded, double seconds) {
    String outcome = succeeded ? "success" : "failure";
    triggers.inc(outcome);
    triggerLatency.observe(seconds, outcome);
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
    hostServiceCalls.inc(known ? service : "unknown", recognised ? method : "unknown", outcome);
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

  public String scrape() {
    return registry.scrape();
  }
}
