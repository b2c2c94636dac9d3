package io.nex.node.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nex.api.Json;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code otel_metrics_exporter: file}: every metric, every interval and once more at stop, as
 * one JSON line appended to the file: {@code {"time", "node_id", "metrics": [{"name", "type",
 * "samples": [{"labels", "value"} | {"labels", "count", "sum", "buckets": {le: count}}]}]}}, the
 * same series {@code /metrics} shows.
 */
public final class MetricsFile implements AutoCloseable {
  public static final String FILE_NAME = "metrics.jsonl";
  public static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(MetricsFile.class);

  private final NodeMetrics metrics;
  private final String nodeId;
  private final Path file;
  private final OutputStream out;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "metrics-file");
    thread.setDaemon(true);
    return thread;
  });
  private boolean warned;

  private MetricsFile(NodeMetrics metrics, String nodeId, Path file) throws IOException {
    this.metrics = metrics;
    this.nodeId = nodeId;
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  public static MetricsFile start(NodeMetrics metrics, String nodeId, Path file, Duration interval) throws IOException {
    MetricsFile started = new MetricsFile(metrics, nodeId, file);
    started.timer.scheduleAtFixedRate(started::write, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return started;
  }

  synchronized void write() {
    ObjectNode line = Json.mapper().createObjectNode()
        .put("time", Instant.now().toString())
        .put("node_id", nodeId);
    ArrayNode all = line.putArray("metrics");
    for (MetricSnapshot snapshot : metrics.snapshot()) {
      all.add(metric(snapshot));
    }
    try {
      out.write(Json.write(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("Cannot write metrics to {}: {}", file, e.getMessage());
      }
    }
  }

  private static ObjectNode metric(MetricSnapshot snapshot) {
    ObjectNode metric = Json.mapper().createObjectNode();
    String name = snapshot.getMetadata().getPrometheusName();
    String type = snapshot instanceof CounterSnapshot ? "counter" : snapshot instanceof HistogramSnapshot ? "histogram"
        : "gauge";
    metric.put("name", type.equals("counter") ? name + "_total" : name).put("type", type);
    ArrayNode samples = metric.putArray("samples");
    for (DataPointSnapshot point : snapshot.getDataPoints()) {
      ObjectNode sample = samples.addObject();
      ObjectNode labels = sample.putObject("labels");
      for (Label label : point.getLabels()) {
        labels.put(label.getName(), label.getValue());
      }
      if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
        sample.put("value", counter.getValue());
      } else if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
        sample.put("value", gauge.getValue());
      } else if (point instanceof HistogramSnapshot.HistogramDataPointSnapshot histogram) {
        sample.put("count", histogram.getCount()).put("sum", histogram.getSum());
        ObjectNode buckets = sample.putObject("buckets");
        long cumulative = 0;
        for (ClassicHistogramBucket bucket : histogram.getClassicBuckets()) {
          cumulative += bucket.getCount();
          buckets.put(Double.isInfinite(bucket.getUpperBound()) ? "+Inf" : Double.toString(bucket.getUpperBound()),
              cumulative);
        }
      }
    }
    return metric;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    write();
    synchronized (this) {
      try {
        out.close();
      } catch (IOException e) {
        // nothing left to write it to
      }
    }
  }
}
