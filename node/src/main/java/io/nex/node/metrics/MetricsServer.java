package io.nex.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nex.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The node's HTTP port ({@code http_port}): {@code /metrics} in the Prometheus text format and
 * {@code /healthz} (200 when the node can take work, 503 with the reason otherwise). Bound to
 * loopback: a scraper on another host goes through whatever the operator puts in front.
 */
public final class MetricsServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";

  private final HttpServer server;
  private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "metrics-http");
    thread.setDaemon(true);
    return thread;
  });

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  public static MetricsServer start(int port, NodeMetrics metrics, Supplier<Health> health) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(HOST, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + HOST + ":" + port + " for metrics: " + e.getMessage(), e);
    }
    MetricsServer started = new MetricsServer(server);
    server.createContext("/metrics", exchange -> answer(exchange, "/metrics", 200, NodeMetrics.contentType(),
        metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    server.createContext("/healthz", exchange -> {
      Health h = health.get();
      answer(exchange, "/healthz", h.isOk() ? 200 : 503, "application/json", Json.write(h));
    });
    server.setExecutor(started.workers);
    server.start();
    return started;
  }

  private static void answer(HttpExchange exchange, String path, int status, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
