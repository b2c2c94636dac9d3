package io.nex.node.sandbox.firecracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nex.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for Firecracker's API: a real HTTP/1.1 server on a real unix socket that checks
 * every request the way Firecracker's swagger describes it (required fields, no unknown
 * fields, ids matching the path) and in the order a boot needs (machine config, boot source,
 * drive, network interface, MMDS config, MMDS contents, InstanceStart), answering 204, or 400
 * with a {@code fault_message}. As a program ({@link #main}) it plays the {@code firecracker}
 * binary for driver tests, appending each request it accepted to the file {@code FAKE_FC_LOG}.
 */
final class FakeFirecracker implements AutoCloseable {
  /** One request as received, and whether it was accepted. */
  record Request(String method, String path, JsonNode body, int status) {}

  private static final List<String> BOOT_ORDER = List.of(
      "/machine-config", "/boot-source", "/drives/", "/network-interfaces/", "/mmds/config", "/mmds", "/actions");
  private static final Map<String, Set<String>> FIELDS = Map.of(
      "/machine-config", Set.of("vcpu_count", "mem_size_mib", "smt", "cpu_template", "track_dirty_pages", "huge_pages"),
      "/boot-source", Set.of("kernel_image_path", "boot_args", "initrd_path"),
      "/drives/", Set.of("drive_id", "path_on_host", "is_root_device", "is_read_only", "partuuid", "cache_type",
          "rate_limiter", "io_engine", "socket"),
      "/network-interfaces/", Set.of("iface_id", "host_dev_name", "guest_mac", "mtu", "rx_rate_limiter",
          "tx_rate_limiter"),
      "/mmds/config", Set.of("network_interfaces", "version", "ipv4_address", "imds_compat"),
      "/actions", Set.of("action_type"));

  private final ServerSocketChannel server;
  private final Path socket;
  private final Path log;
  private final boolean checkTaps;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> ifaces = new HashSet<>();
  private final Set<String> configured = new HashSet<>();
  private int stage;
  private boolean started;

  private FakeFirecracker(ServerSocketChannel server, Path socket, Path log, boolean checkTaps) {
    this.server = server;
    this.socket = socket;
    this.log = log;
    this.checkTaps = checkTaps;
  }

  static FakeFirecracker start(Path socket, Path log) throws IOException {
    return start(socket, log, false);
  }

  /** {@code checkTaps}: like Firecracker, refuse a network interface whose tap this process cannot see. */
  static FakeFirecracker start(Path socket, Path log, boolean checkTaps) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    FakeFirecracker fake = new FakeFirecracker(server, socket, log, checkTaps);
    Thread thread = new Thread(fake::serve, "fake-firecracker");
    thread.setDaemon(true);
    thread.start();
    return fake;
  }

  /** Plays {@code firecracker --api-sock PATH [--id ID]} until killed. */
  public static void main(String[] args) throws Exception {
    Path socket = null;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--api-sock")) {
        socket = Path.of(args[i + 1]);
      }
    }
    if (socket == null) {
      System.err.println("fake firecracker: --api-sock is required");
      System.exit(2);
    }
    String log = System.getenv("FAKE_FC_LOG");
    start(socket, log == null ? null : Path.of(log), true);
    System.out.println("fake firecracker listening on " + socket);
    Thread.currentThread().join();
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  boolean started() {
    synchronized (this) {
      return started;
    }
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel channel = server.accept()) {
        handleConnection(channel);
      } catch (IOException e) {
        // closed, or a client hung up mid-request: wait for the next one
      }
    }
  }

  private void handleConnection(SocketChannel channel) throws IOException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    int headerEnd;
    while ((headerEnd = in.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
      buffer.clear();
      if (channel.read(buffer) < 0) {
        return;
      }
      in.write(buffer.array(), 0, buffer.position());
    }
    String[] lines = in.toString(StandardCharsets.ISO_8859_1).substring(0, headerEnd).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    int length = 0;
    for (String line : lines) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    while (in.size() < headerEnd + 4 + length) {
      buffer.clear();
      if (channel.read(buffer) < 0) {
        return;
      }
      in.write(buffer.array(), 0, buffer.position());
    }
    byte[] all = in.toByteArray();
    String bodyText = new String(all, headerEnd + 4, length, StandardCharsets.UTF_8);
    String reply = handle(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", bodyText);
    ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  private synchronized String handle(String method, String path, String bodyText) throws IOException {
    JsonNode body = null;
    String fault = null;
    if (!bodyText.isEmpty()) {
      try {
        body = Json.mapper().readTree(bodyText);
      } catch (IOException e) {
        fault = "Invalid JSON body";
      }
    }
    if (fault == null) {
      fault = method.equals("GET") ? (path.equals("/") ? null : "Invalid request method and/or path: GET " + path)
          : check(method, path, body);
    }
    int status = fault == null ? (method.equals("GET") ? 200 : 204) : 400;
    Request request = new Request(method, path, body, status);
    requests.add(request);
    if (log != null) {
      ObjectNode line = Json.mapper().createObjectNode().put("method", method).put("path", path).put("status", status);
      line.set("body", body);
      Files.writeString(log, Json.mapper().writeValueAsString(line) + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    if (fault != null) {
      String json = Json.writeString(Map.of("fault_message", fault));
      return "HTTP/1.1 400 Bad Request\r\nServer: Firecracker API\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }
    if (method.equals("GET")) {
      String json = Json.writeString(new ApiBodies.InstanceInfo("Firecracker", "fake",
          started ? "Running" : "Not started", "0.0.0-fake"));
      return "HTTP/1.1 200 OK\r\nServer: Firecracker API\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }
    return "HTTP/1.1 204 No Content\r\nServer: Firecracker API\r\n\r\n";
  }

  /** Firecracker's rules for a pre-boot PUT, or null when the request is accepted. */
  private String check(String method, String path, JsonNode body) {
    if (!method.equals("PUT")) {
      return "Invalid request method: " + method + " " + path;
    }
    String endpoint = endpoint(path);
    if (endpoint == null) {
      return "Invalid request path: " + path;
    }
    if (body == null || !body.isObject()) {
      return "Missing or non-object body for " + path;
    }
    if (started && !endpoint.equals("/actions") && !endpoint.equals("/mmds")) {
      return "The requested operation is not supported after starting the microVM.";
    }
    int position = BOOT_ORDER.indexOf(endpoint);
    if (position < stage) {
      return "out of order: " + path + " after " + BOOT_ORDER.get(stage);
    }
    Set<String> known = FIELDS.get(endpoint);
    if (known != null) {
      for (var names = body.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!known.contains(name)) {
          return "unknown field `" + name + "`";
        }
      }
    }
    String fault = switch (endpoint) {
      case "/machine-config" -> {
        int vcpus = body.path("vcpu_count").asInt(0);
        if (vcpus < 1 || vcpus > 32) {
          yield "Invalid vcpu_count: " + body.path("vcpu_count");
        }
        yield body.path("mem_size_mib").asInt(0) < 1 ? "missing field `mem_size_mib`" : null;
      }
      case "/boot-source" -> existing(body, "kernel_image_path");
      case "/drives/" -> {
        if (!path.equals("/drives/" + body.path("drive_id").asText())) {
          yield "The id from the path does not match the id from the body!";
        }
        if (!body.path("is_root_device").isBoolean() || !body.path("is_read_only").isBoolean()) {
          yield "missing field `is_root_device` or `is_read_only`";
        }
        yield existing(body, "path_on_host");
      }
      case "/network-interfaces/" -> {
        if (!path.equals("/network-interfaces/" + body.path("iface_id").asText())) {
          yield "The id from the path does not match the id from the body!";
        }
        String tap = body.path("host_dev_name").asText();
        if (tap.isEmpty()) {
          yield "missing field `host_dev_name`";
        }
        // `ip netns exec` mounts the namespace's own /sys, so this sees the VM's namespace
        if (checkTaps && !Files.exists(Path.of("/sys/class/net", tap))) {
          yield "Could not create the network device: Open tap device failed: No such device: " + tap;
        }
        ifaces.add(body.path("iface_id").asText());
        yield null;
      }
      case "/mmds/config" -> {
        if (!Set.of("V1", "V2").contains(body.path("version").asText("V1"))) {
          yield "unknown variant `" + body.path("version").asText() + "`";
        }
        JsonNode names = body.path("network_interfaces");
        if (!names.isArray() || names.isEmpty()) {
          yield "missing field `network_interfaces`";
        }
        for (JsonNode name : names) {
          if (!ifaces.contains(name.asText())) {
            yield "The list of network interface IDs provided contains at least one ID that does not correspond"
                + " to any existing network interface.";
          }
        }
        yield null;
      }
      case "/actions" -> {
        String type = body.path("action_type").asText();
        if (type.equals("InstanceStart")) {
          if (!configured.contains("/boot-source")) {
            yield "Cannot start microvm that was already started or has no kernel configuration";
          }
          started = true;
          yield null;
        }
        yield Set.of("SendCtrlAltDel", "FlushMetrics").contains(type) ? null : "unknown variant `" + type + "`";
      }
      default -> null;
    };
    if (fault == null) {
      stage = Math.max(stage, position);
      configured.add(endpoint);
    }
    return fault;
  }

  private static String existing(JsonNode body, String field) {
    String value = body.path(field).asText("");
    if (value.isEmpty()) {
      return "missing field `" + field + "`";
    }
    return Files.isRegularFile(Path.of(value)) ? null : "No such file or directory (os error 2): " + value;
  }

  private static String endpoint(String path) {
    if (path.startsWith("/drives/") && path.length() > 8) {
      return "/drives/";
    }
    if (path.startsWith("/network-interfaces/") && path.length() > 20) {
      return "/network-interfaces/";
    }
    return BOOT_ORDER.contains(path) ? path : null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
