package io.nex.node.sandbox.firecracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nex.api.Json;
import io.nex.node.config.NodeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A VM's network through CNI, the way Nex and firecracker-go-sdk do it: the plugins of the
 * network list {@code cni.network_name} (from {@code /etc/cni/conf.d/NAME.conflist}, or by
 * default {@code ptp} with {@code host-local} addresses from {@code cni.subnet}, then
 * {@code tc-redirect-tap}) run in order with {@code CNI_COMMAND=ADD} against the VM's network
 * namespace, each fed the previous one's result; {@code DEL} runs them in reverse. The last
 * result names the tap device Firecracker opens, the guest's MAC and its address.
 */
final class CniNetwork {
  private static final String CNI_VERSION = "0.4.0";
  private static final long PLUGIN_TIMEOUT_SECONDS = 30;

  /** What ADD gave one VM; {@code result} is fed back to DEL as {@code prevResult}. */
  record Attachment(String tapName, String guestMac, String guestIp, String gateway, String netmask, JsonNode result) {
    /** The kernel's {@code ip=} argument: static address, gateway and mask on eth0, no autoconfiguration. */
    String ipBootArg() {
      return "ip=" + guestIp + "::" + gateway + ":" + netmask + "::eth0:off";
    }
  }

  private final NodeConfig.Cni cni;
  private final Path confDir;

  CniNetwork(NodeConfig.Cni cni, Path confDir) {
    this.cni = cni;
    this.confDir = confDir;
  }

  Attachment add(String vmid, Path netns) throws IOException {
    ObjectNode list = networkList();
    JsonNode result = null;
    try {
      for (JsonNode plugin : list.withArray("plugins")) {
        result = run("ADD", plugin, list, vmid, netns, result);
      }
      return attachment(result, vmid, netns);
    } catch (IOException e) {
      // a half-made network is undone at once; DEL tolerates what ADD never made
      try {
        delete(vmid, netns, result);
      } catch (IOException ignored) {
        // the ADD error is the one worth reporting
      }
      throw e;
    }
  }

  void delete(String vmid, Path netns, JsonNode addResult) throws IOException {
    ObjectNode list = networkList();
    List<JsonNode> plugins = new ArrayList<>();
    list.withArray("plugins").forEach(plugins::add);
    IOException first = null;
    for (int i = plugins.size() - 1; i >= 0; i--) {
      try {
        run("DEL", plugins.get(i), list, vmid, netns, addResult);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private ObjectNode networkList() throws IOException {
    Path file = confDir.resolve(cni.networkName() + ".conflist");
    if (Files.isRegularFile(file)) {
      JsonNode parsed = Json.mapper().readTree(file.toFile());
      if (!(parsed instanceof ObjectNode list) || !list.path("plugins").isArray()) {
        throw new IOException(file + " is not a CNI network list (no \"plugins\" array)");
      }
      return list;
    }
    ObjectNode list = Json.mapper().createObjectNode().put("cniVersion", CNI_VERSION).put("name", cni.networkName());
    ArrayNode plugins = list.putArray("plugins");
    ObjectNode ptp = plugins.addObject().put("type", "ptp").put("ipMasq", false);
    ptp.putObject("ipam").put("type", "host-local").put("subnet", cni.subnet());
    plugins.addObject().put("type", "tc-redirect-tap");
    return list;
  }

  private JsonNode run(String command, JsonNode plugin, ObjectNode list, String vmid, Path netns, JsonNode prevResult)
      throws IOException {
    String type = plugin.path("type").asText();
    Path binary = cni.binPath().stream().map(dir -> Path.of(dir, type)).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IOException("CNI plugin " + type + " not found in " + String.join(":", cni.binPath())));
    ObjectNode config = ((ObjectNode) plugin).deepCopy();
    config.put("cniVersion", list.path("cniVersion").asText(CNI_VERSION));
    config.put("name", list.path("name").asText(cni.networkName()));
    if (prevResult != null) {
      config.set("prevResult", prevResult);
    }
    ProcessBuilder builder = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = builder.environment();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", vmid);
    env.put("CNI_NETNS", netns.toString());
    env.put("CNI_IFNAME", cni.interfaceName());
    env.put("CNI_PATH", String.join(":", cni.binPath()));
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(Json.write(config));
    } catch (IOException e) {
      // a plugin that fails early may not read its config; its exit code and output say why
    }
    byte[] out = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(PLUGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("CNI plugin " + type + " " + command + " did not finish in " + PLUGIN_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while CNI plugin " + type + " ran");
    }
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0) {
      throw new IOException("CNI plugin " + type + " " + command + " failed: " + errorMessage(text));
    }
    if (command.equals("DEL") || text.isEmpty()) {
      return prevResult;
    }
    return Json.mapper().readTree(text);
  }

  private static String errorMessage(String text) {
    try {
      JsonNode error = Json.mapper().readTree(text);
      String message = error.path("msg").asText("");
      String details = error.path("details").asText("");
      if (!message.isEmpty()) {
        return Json.firstLine(details.isEmpty() ? message : message + ": " + details);
      }
    } catch (IOException e) {
      // not the CNI error shape: show the text
    }
    return text.isEmpty() ? "no output" : Json.firstLine(text);
  }

  /**
   * tc-redirect-tap's result holds the tap (sandbox = the netns) and, under the same name, a
   * pseudo-interface whose sandbox is the VM id: its MAC and address are the guest's.
   */
  private static Attachment attachment(JsonNode result, String vmid, Path netns) throws IOException {
    if (result == null) {
      throw new IOException("the CNI network list has no plugins");
    }
    JsonNode interfaces = result.path("interfaces");
    int vmIndex = -1;
    for (int i = 0; i < interfaces.size(); i++) {
      if (interfaces.get(i).path("sandbox").asText().equals(vmid)) {
        vmIndex = i;
      }
    }
    if (vmIndex < 0) {
      throw new IOException("the CNI result has no interface for VM " + vmid + " (is tc-redirect-tap last in the list?)");
    }
    JsonNode vm = interfaces.get(vmIndex);
    String tapName = vm.path("name").asText();
    boolean tapInNetns = false;
    for (JsonNode iface : interfaces) {
      tapInNetns |= iface.path("name").asText().equals(tapName) && iface.path("sandbox").asText().equals(netns.toString());
    }
    if (!tapInNetns) {
      throw new IOException("the CNI result has no tap device " + tapName + " in " + netns);
    }
    for (JsonNode ip : result.path("ips")) {
      if (ip.path("interface").asInt(-1) == vmIndex) {
        String[] cidr = ip.path("address").asText().split("/");
        if (cidr.length != 2) {
          throw new IOException("the CNI result has a malformed address: " + ip.path("address").asText());
        }
        return new Attachment(tapName, vm.path("mac").asText(), cidr[0], ip.path("gateway").asText(),
            netmask(Integer.parseInt(cidr[1])), result);
      }
    }
    throw new IOException("the CNI result has no IP address for VM " + vmid);
  }

  static String netmask(int prefix) {
    long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
  }
}
