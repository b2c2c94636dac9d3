package io.nex.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.nex.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a deploy's time goes, from the node's own spans ({@code otel_traces} with the file
 * exporter: OTLP JSON lines): the p50 of each span name, in the order of their p50s.
 */
final class DeploySteps {
  private DeploySteps() {}

  static void print(Path traces) throws IOException {
    Map<String, List<Double>> byName = new TreeMap<>();
    for (String line : Files.readAllLines(traces)) {
      if (line.isBlank()) {
        continue;
      }
      for (JsonNode resource : Json.mapper().readTree(line).path("resourceSpans")) {
        for (JsonNode scope : resource.path("scopeSpans")) {
          for (JsonNode span : scope.path("spans")) {
            double ms = (span.path("endTimeUnixNano").asLong() - span.path("startTimeUnixNano").asLong()) / 1e6;
            byName.computeIfAbsent(span.path("name").asText(), n -> new ArrayList<>()).add(ms);
          }
        }
      }
    }
    System.out.printf("%-40s %9s %9s %9s%n", "the node's deploy spans, ms", "p50", "p99", "count");
    byName.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new Stats(e.getValue())))
        .sorted((a, b) -> Double.compare(b.getValue().median(), a.getValue().median()))
        .forEach(e -> System.out.printf("%-40s %9.2f %9.2f %9d%n", e.getKey(), e.getValue().median(),
            e.getValue().percentile(99), e.getValue().count()));
  }
}
