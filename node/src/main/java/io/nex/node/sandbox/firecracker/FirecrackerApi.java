package io.nex.node.sandbox.firecracker;

import io.nex.api.Json;
import io.nex.node.sandbox.firecracker.ApiBodies.Action;
import io.nex.node.sandbox.firecracker.ApiBodies.BootSource;
import io.nex.node.sandbox.firecracker.ApiBodies.Drive;
import io.nex.node.sandbox.firecracker.ApiBodies.Fault;
import io.nex.node.sandbox.firecracker.ApiBodies.InstanceInfo;
import io.nex.node.sandbox.firecracker.ApiBodies.MachineConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.MmdsConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.NetworkInterface;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The calls the driver makes on one Firecracker process's API socket. A refusal becomes a
 * {@link FirecrackerException} that names the call and carries Firecracker's
 * {@code fault_message} on one line.
 */
final class FirecrackerApi {
  /** Firecracker answers its API at once; InstanceStart, the slowest call, takes milliseconds. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final UnixHttpClient http;

  FirecrackerApi(Path socket) {
    this.http = new UnixHttpClient(socket, READ_TIMEOUT);
  }

  void machineConfig(MachineConfig config) throws IOException {
    put("/machine-config", config);
  }

  void bootSource(BootSource source) throws IOException {
    put("/boot-source", source);
  }

  void drive(Drive drive) throws IOException {
    put("/drives/" + segment(drive.driveId()), drive);
  }

  void networkInterface(NetworkInterface iface) throws IOException {
    put("/network-interfaces/" + segment(iface.ifaceId()), iface);
  }

  void mmdsConfig(MmdsConfig config) throws IOException {
    put("/mmds/config", config);
  }

  /** The metadata the guest reads from 169.254.169.254; it may hold a secret, so errors never quote it. */
  void mmds(Object metadata) throws IOException {
    put("/mmds", metadata);
  }

  void action(String actionType) throws IOException {
    put("/actions", new Action(actionType));
  }

  InstanceInfo describe() throws IOException {
    UnixHttpClient.Response response = http.send("GET", "/", null);
    check("GET", "/", response);
    try {
      return Json.read(response.body().getBytes(StandardCharsets.UTF_8), InstanceInfo.class);
    } catch (Json.MalformedJsonException e) {
      throw new FirecrackerException("GET / answered " + e.getMessage());
    }
  }

  private void put(String path, Object body) throws IOException {
    check("PUT", path, http.send("PUT", path, Json.writeString(body)));
  }

  private static void check(String method, String path, UnixHttpClient.Response response)
      throws FirecrackerException {
    if (!response.ok()) {
      throw new FirecrackerException("Firecracker refused " + method + " " + path + " (" + response.status() + "): "
          + fault(response.body()));
    }
  }

  private static String fault(String body) {
    try {
      Fault fault = Json.read(body.getBytes(StandardCharsets.UTF_8), Fault.class);
      if (fault.faultMessage() != null) {
        return Json.firstLine(fault.faultMessage());
      }
    } catch (Json.MalformedJsonException e) {
      // not Firecracker's error shape: fall through to the raw text
    }
    return body.isBlank() ? "no reason given" : Json.firstLine(body.strip());
  }

  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  /** Firecracker answered with an error status. */
  static final class FirecrackerException extends IOException {
    FirecrackerException(String message) {
      super(message);
    }
  }
}
