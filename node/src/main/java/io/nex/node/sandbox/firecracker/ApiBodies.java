package io.nex.node.sandbox.firecracker;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Request and response bodies of Firecracker's API, field names as in its swagger definition
 * ({@code src/firecracker/swagger/firecracker.yaml}). Names are spelled out so that the wire
 * format does not depend on the shared mapper's naming strategy.
 */
final class ApiBodies {
  private ApiBodies() {}

  /** {@code PUT /machine-config}. */
  record MachineConfig(
      @JsonProperty("vcpu_count") int vcpuCount,
      @JsonProperty("mem_size_mib") int memSizeMib,
      @JsonProperty("smt") boolean smt) {}

  /** {@code PUT /boot-source}. */
  record BootSource(
      @JsonProperty("kernel_image_path") String kernelImagePath,
      @JsonProperty("boot_args") String bootArgs) {}

  /** {@code PUT /drives/{drive_id}}. */
  record Drive(
      @JsonProperty("drive_id") String driveId,
      @JsonProperty("path_on_host") String pathOnHost,
      @JsonProperty("is_root_device") boolean isRootDevice,
      @JsonProperty("is_read_only") boolean isReadOnly) {}

  /** {@code PUT /network-interfaces/{iface_id}}. */
  record NetworkInterface(
      @JsonProperty("iface_id") String ifaceId,
      @JsonProperty("host_dev_name") String hostDevName,
      @JsonProperty("guest_mac") String guestMac) {}

  /** {@code PUT /mmds/config}: which interfaces answer 169.254.169.254, and the token-based V2. */
  record MmdsConfig(
      @JsonProperty("network_interfaces") List<String> networkInterfaces,
      @JsonProperty("version") String version) {}

  /** {@code PUT /actions}: {@code InstanceStart}, {@code SendCtrlAltDel}, {@code FlushMetrics}. */
  record Action(@JsonProperty("action_type") String actionType) {}

  /** {@code GET /}. */
  record InstanceInfo(
      @JsonProperty("app_name") String appName,
      @JsonProperty("id") String id,
      @JsonProperty("state") String state,
      @JsonProperty("vmm_version") String vmmVersion) {}

  /** Firecracker's error body. */
  record Fault(@JsonProperty("fault_message") String faultMessage) {}
}
