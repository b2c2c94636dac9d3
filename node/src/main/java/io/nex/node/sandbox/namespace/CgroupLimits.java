package io.nex.node.sandbox.namespace;

import io.nex.node.config.NodeConfig.MachineTemplate;
import java.util.Optional;

/**
 * What one sandbox may use, agent and workload together: memory (no swap beyond it), CPU time as
 * a number of whole cores per scheduling period, tasks (threads count too), and, where the node
 * has rate limiters, the rate of its disk's I/O.
 */
record CgroupLimits(long memoryBytes, int cpus, int pids, Optional<DiskRates> disk) {
  /** Enough for the agent JVM (about 25 threads), a JVM workload and its children; not a fork bomb. */
  static final int DEFAULT_PIDS = 256;
  static final long CPU_PERIOD_MICROS = 100_000;

  static CgroupLimits of(MachineTemplate template, Optional<DiskRates> disk) {
    return new CgroupLimits(template.memsizeMib() * 1024L * 1024L, Math.max(1, template.vcpuCount()), DEFAULT_PIDS,
        disk);
  }

  long cpuQuotaMicros() {
    return cpus * CPU_PERIOD_MICROS;
  }
}
