package io.nex.node.sandbox.namespace;

import io.nex.node.config.NodeConfig.MachineTemplate;

/**
 * What one sandbox may use, agent and workload together: memory (no swap beyond it), CPU time as
 * a number of whole cores per scheduling period, and tasks (threads count too).
 */
record CgroupLimits(long memoryBytes, int cpus, int pids) {
  /** Enough for the agent JVM (about 25 threads), a JVM workload and its children; not a fork bomb. */
  static final int DEFAULT_PIDS = 256;
  static final long CPU_PERIOD_MICROS = 100_000;

  static CgroupLimits of(MachineTemplate template) {
    return new CgroupLimits(template.memsizeMib() * 1024L * 1024L, Math.max(1, template.vcpuCount()), DEFAULT_PIDS);
  }

  long cpuQuotaMicros() {
    return cpus * CPU_PERIOD_MICROS;
  }
}
