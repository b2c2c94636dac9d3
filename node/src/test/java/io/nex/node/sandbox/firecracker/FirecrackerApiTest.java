package io.nex.node.sandbox.firecracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nex.node.sandbox.firecracker.ApiBodies.BootSource;
import io.nex.node.sandbox.firecracker.ApiBodies.Drive;
import io.nex.node.sandbox.firecracker.ApiBodies.MachineConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.MmdsConfig;
import io.nex.node.sandbox.firecracker.ApiBodies.NetworkInterface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API client against a fake Firecracker on a real unix socket that checks every request. */
class FirecrackerApiTest {
  @TempDir Path dir;
  private FakeFirecracker fake;
  private FirecrackerApi api;
  private Path kernel;
  private Path rootfs;

  @BeforeEach
  void start() throws IOException {
    fake = FakeFirecracker.start(dir.resolve("api.sock"), null);
    api = new FirecrackerApi(dir.resolve("api.sock"));
    kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
    rootfs = Files.writeString(dir.resolve("rootfs.ext4"), "rootfs");
  }

  @AfterEach
  void stop() throws IOException {
    fake.close();
  }

  @Test
  void configuresAndStartsInBootOrderWithFirecrackersFieldNames() throws IOException {
    assertEquals("Not started", api.describe().state());
    api.machineConfig(new MachineConfig(2, 512, false));
    api.bootSource(new BootSource(kernel.toString(), "console=ttyS0 reboot=k panic=1 pci=off"));
    api.drive(new Drive("rootfs", rootfs.toString(), true, false));
    api.networkInterface(new NetworkInterface("eth0", "tap0", "02:fc:00:00:00:01"));
    api.mmdsConfig(new MmdsConfig(List.of("eth0"), "V2"));
    api.mmds(Map.of("vmid", "abc", "message", "Host-supplied metadata"));
    api.action("InstanceStart");
    assertEquals("Running", api.describe().state());

    List<FakeFirecracker.Request> requests = fake.requests();
    assertEquals(List.of("GET /", "PUT /machine-config", "PUT /boot-source", "PUT /drives/rootfs",
        "PUT /network-interfaces/eth0", "PUT /mmds/config", "PUT /mmds", "PUT /actions", "GET /"),
        requests.stream().map(r -> r.method() + " " + r.path()).toList());
    assertTrue(requests.stream().allMatch(r -> r.status() < 300), requests.toString());
    var machine = requests.get(1).body();
    assertEquals(2, machine.get("vcpu_count").asInt());
    assertEquals(512, machine.get("mem_size_mib").asInt());
    assertFalse(machine.get("smt").asBoolean());
    var drive = requests.get(3).body();
    assertEquals("rootfs", drive.get("drive_id").asText());
    assertTrue(drive.get("is_root_device").asBoolean());
    assertFalse(drive.get("is_read_only").asBoolean());
    assertEquals(rootfs.toString(), drive.get("path_on_host").asText());
    var net = requests.get(4).body();
    assertEquals("tap0", net.get("host_dev_name").asText());
    assertEquals("02:fc:00:00:00:01", net.get("guest_mac").asText());
    assertEquals("V2", requests.get(5).body().get("version").asText());
    assertEquals("eth0", requests.get(5).body().get("network_interfaces").get(0).asText());
    assertEquals("abc", requests.get(6).body().get("vmid").asText());
    assertEquals("InstanceStart", requests.get(7).body().get("action_type").asText());
  }

  @Test
  void surfacesFaultMessageOnOneLine() throws IOException {
    Path missing = dir.resolve("no-such-vmlinux");
    IOException refused = assertThrows(FirecrackerApi.FirecrackerException.class,
        () -> api.bootSource(new BootSource(missing.toString(), "console=ttyS0")));
    assertEquals("Firecracker refused PUT /boot-source (400): No such file or directory (os error 2): " + missing,
        refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"));
  }

  @Test
  void refusesStartWithoutKernelAndConfigAfterStart() throws IOException {
    IOException early = assertThrows(IOException.class, () -> api.action("InstanceStart"));
    assertTrue(early.getMessage().contains("PUT /actions (400)"), early.getMessage());

    api.bootSource(new BootSource(kernel.toString(), ""));
    api.action("InstanceStart");
    IOException late = assertThrows(IOException.class, () -> api.machineConfig(new MachineConfig(1, 128, false)));
    assertTrue(late.getMessage().endsWith("not supported after starting the microVM."), late.getMessage());
  }

  @Test
  void mmdsConfigMustNameAConfiguredInterface() {
    IOException refused = assertThrows(IOException.class, () -> api.mmdsConfig(new MmdsConfig(List.of("eth9"), "V2")));
    assertTrue(refused.getMessage().startsWith("Firecracker refused PUT /mmds/config (400): The list of network"),
        refused.getMessage());
  }

  @Test
  void noServerIsAnIoErrorNotAHang() throws IOException {
    fake.close();
    assertThrows(IOException.class, () -> api.describe());
  }
}
