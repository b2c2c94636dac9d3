package io.nex.cli.node;

import io.nex.cli.CliException;
import io.nex.cli.GlobalOptions;
import io.nex.node.Node;
import io.nex.node.NodeOptions;
import io.nex.node.NodeStartException;
import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.nex.node.config.NodeConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "up", mixinStandardHelpOptions = true, description = "Start a node and keep it running until SIGTERM or SIGINT")
public final class NodeUpCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--config", description = "node configuration file (JSON); defaults apply without one")
  Path config;

  @Option(names = "--nexus", defaultValue = "nexus", description = "name of the cluster of nodes (default ${DEFAULT-VALUE})")
  String nexus;

  // Nex 0.2.7's flags for its OpenTelemetry keys; given, they win over the config file, as in Nex
  @Option(names = "--metrics", arity = "0..1", description = "export metrics (otel_metrics)")
  Boolean metrics;

  @Option(names = "--metrics_port", description = "port of the prometheus metrics exporter (otel_metrics_port, default 8085)")
  Integer metricsPort;

  @Option(names = "--otel_metrics_exporter", description = "file or prometheus (otel_metrics_exporter)")
  String metricsExporter;

  @Option(names = "--traces", arity = "0..1", description = "export traces (otel_traces)")
  Boolean traces;

  @Option(names = "--otel_traces_exporter", description = "file or http (otel_traces_exporter)")
  String tracesExporter;

  @Override
  public Integer call() throws InterruptedException {
    NodeConfig nodeConfig;
    try {
      nodeConfig = NodeConfigLoader.load(config, flags());
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    // Handle the signals ourselves: a JVM shutdown hook would exit 143/130, and we owe an orderly 0.
    // Installed before the start, so that a signal during it stops the node once it is up.
    AtomicBoolean stopAsked = new AtomicBoolean();
    AtomicReference<Node> running = new AtomicReference<>();
    Signal.handle(new Signal("TERM"), s -> stop(stopAsked, running));
    Signal.handle(new Signal("INT"), s -> stop(stopAsked, running));
    Node node;
    try {
      node = Node.start(new NodeOptions(nodeConfig, config, global.server, nexus));
    } catch (NodeStartException e) {
      throw new CliException(e.getMessage());
    }
    running.set(node);
    if (stopAsked.get()) {
      node.stop(0);
    }
    return node.awaitExit();
  }

  private Map<String, Object> flags() {
    Map<String, Object> given = new LinkedHashMap<>();
    putIfGiven(given, "otel_metrics", metrics);
    putIfGiven(given, "otel_metrics_port", metricsPort);
    putIfGiven(given, "otel_metrics_exporter", metricsExporter);
    putIfGiven(given, "otel_traces", traces);
    putIfGiven(given, "otel_traces_exporter", tracesExporter);
    return given;
  }

  private static void putIfGiven(Map<String, Object> given, String field, Object value) {
    if (value != null) {
      given.put(field, value);
    }
  }

  private static void stop(AtomicBoolean stopAsked, AtomicReference<Node> running) {
    stopAsked.set(true);
    Node node = running.get();
    if (node != null) {
      node.stop(0);
    }
  }
}
