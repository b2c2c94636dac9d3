package io.nex.cli.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nex.api.Json;
import io.nex.cli.CliException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The web view's HTTP side (the JDK's server): the page's files, the live streams, and the two
 * actions. Bound to loopback unless told otherwise; on loopback a request must name a loopback
 * Host (no DNS rebinding), and an action must carry {@link #ACTION_HEADER}, which no cross-site
 * form can send, so another site open in the browser cannot press the buttons.
 */
final class UiServer implements AutoCloseable {
  static final String ACTION_HEADER = "X-Nex-UI";
  /** Streams hold a thread each: enough for a few tabs, not for a crowd. */
  private static final int MAX_THREADS = 32;
  private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
      + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

  private final HttpServer server;
  private final ExecutorService threads;
  private final StaticAssets assets;
  private final Hub hub;
  private final LogTails logs;
  private final FleetActions actions;
  private final Set<String> allowedHosts;

  private UiServer(HttpServer server, ExecutorService threads, StaticAssets assets, Hub hub, LogTails logs,
      FleetActions actions, Set<String> allowedHosts) {
    this.server = server;
    this.threads = threads;
    this.assets = assets;
    this.hub = hub;
    this.logs = logs;
    this.actions = actions;
    this.allowedHosts = allowedHosts;
  }

  static UiServer start(String listen, int port, Hub hub, LogTails logs, FleetActions actions) {
    StaticAssets assets = StaticAssets.load();
    HttpServer server;
    InetAddress address;
    try {
      address = InetAddress.getByName(listen);
      server = HttpServer.create(new InetSocketAddress(address, port), 64);
    } catch (IOException e) {
      throw new CliException("cannot listen on " + listen + ":" + port + ": " + e.getMessage());
    }
    int bound = server.getAddress().getPort();
    Set<String> hosts = address.isLoopbackAddress()
        ? Stream.of("127.0.0.1", "localhost", "[::1]", listen).map(h -> h + ":" + bound).collect(Collectors.toSet())
        : Set.<String>of();
    ThreadPoolExecutor threads = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        DaemonThreads.named("nex-ui-http"));
    UiServer ui = new UiServer(server, threads, assets, hub, logs, actions, hosts);
    server.createContext("/", ui::handle);
    server.setExecutor(threads);
    server.start();
    return ui;
  }

  URI url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (!allowedHosts.isEmpty() && (host == null || !allowedHosts.contains(host.toLowerCase()))) {
        send(exchange, 421, "text/plain; charset=utf-8", "unknown host\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (method.equals("GET") && path.equals("/stream")) {
        stream(exchange, stream -> {
          hub.attach(stream);
          return () -> hub.detach(stream);
        });
      } else if (method.equals("GET") && path.equals("/logs")) {
        String workload = query(exchange.getRequestURI(), "workload");
        if (workload == null || workload.isBlank()) {
          send(exchange, 400, "text/plain; charset=utf-8", "name a workload\n".getBytes(StandardCharsets.UTF_8));
          return;
        }
        stream(exchange, stream -> {
          logs.watch(workload, stream);
          return () -> logs.unwatch(workload, stream);
        });
      } else if (method.equals("POST") && path.equals("/api/stop")) {
        act(exchange, FleetActions.StopCall.class, actions::stop);
      } else if (method.equals("POST") && path.equals("/api/lameduck")) {
        act(exchange, FleetActions.LameDuckCall.class, actions::lameDuck);
      } else if (method.equals("GET") && assets.get(path) != null) {
        StaticAssets.Asset asset = assets.get(path);
        send(exchange, 200, asset.contentType(), asset.bytes());
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void stream(HttpExchange exchange, Function<SseStream, Runnable> attach) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    SseStream stream = new SseStream();
    Runnable detach = attach.apply(stream);
    try (OutputStream out = exchange.getResponseBody()) {
      stream.pump(out);
    } catch (IOException e) {
      // the browser went away: nothing to tell anyone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      detach.run();
    }
  }

  private <T> void act(HttpExchange exchange, Class<T> type, Function<T, FleetActions.Outcome> action)
      throws IOException {
    if (!"1".equals(exchange.getRequestHeaders().getFirst(ACTION_HEADER))) {
      send(exchange, 403, "text/plain; charset=utf-8", "actions come from the page only\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    T call;
    try {
      call = Json.read(exchange.getRequestBody().readNBytes(64 * 1024), type);
    } catch (Json.MalformedJsonException e) {
      send(exchange, 400, "application/json", Json.write(new FleetActions.Outcome(false, e.getMessage())));
      return;
    }
    send(exchange, 200, "application/json", Json.write(action.apply(call)));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static String query(URI uri, String name) {
    String raw = uri.getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
