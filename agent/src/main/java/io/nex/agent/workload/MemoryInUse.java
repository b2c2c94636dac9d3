package io.nex.agent.workload;

import io.nex.api.agent.HostMemory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's memory as a function host reports it after each add. The young generation is
 * left out of the heap figure: it is mostly the garbage of calls, and would make a host look
 * fuller than the functions it keeps. What the old generation holds may include garbage not yet
 * collected, so the figure errs on the full side. Reading it costs a few microseconds; finding
 * the pools costs some 45 ms of class loading once, which {@link DeployPathWarmer} spends while
 * the sandbox waits in the pool.
 */
final class MemoryInUse {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE_BYTES = 4096;
  private static final List<MemoryPoolMXBean> KEPT = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP && !pool.getName().contains("Eden"))
      .toList();

  private MemoryInUse() {}

  static HostMemory now() {
    long kept = 0;
    for (MemoryPoolMXBean pool : KEPT) {
      kept += pool.getUsage().getUsed();
    }
    return new HostMemory(kept, Runtime.getRuntime().maxMemory(), resident());
  }

  /** Resident pages × page size (Linux); 0 where {@code /proc} cannot tell. */
  private static long resident() {
    try {
      String[] fields = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE_BYTES;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
