package io.nex.node.sandbox.namespace;

import io.nex.node.config.NodeConfig.RateLimiters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The I/O rates of one sandbox's disk (a block device, {@code major:minor}), from the node's
 * {@code rate_limiters}: bytes per second from {@code bandwidth}, operations per second from
 * {@code iops}, each for reads and for writes alike (0: no limit). cgroups throttle at a steady
 * rate and have no burst, so a bucket's {@code one_time_burst} is not granted: the disk gets at
 * most what was configured, never more.
 */
record DiskRates(String device, long bytesPerSecond, long opsPerSecond) {
  static Optional<DiskRates> of(String device, RateLimiters limiters) {
    if (!limiters.any()) {
      return Optional.empty();
    }
    return Optional.of(new DiskRates(device,
        limiters.bandwidth() == null ? 0 : limiters.bandwidth().perSecond(),
        limiters.iops() == null ? 0 : limiters.iops().perSecond()));
  }

  /** cgroup v2 {@code io.max}: one line, only the limits that are set. */
  String ioMax() {
    List<String> parts = new ArrayList<>(List.of(device));
    if (bytesPerSecond > 0) {
      parts.add("rbps=" + bytesPerSecond);
      parts.add("wbps=" + bytesPerSecond);
    }
    if (opsPerSecond > 0) {
      parts.add("riops=" + opsPerSecond);
      parts.add("wiops=" + opsPerSecond);
    }
    return String.join(" ", parts);
  }
}
