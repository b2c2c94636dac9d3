package io.nex.node.telemetry;

import io.nex.api.control.InfoResponse.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Host memory in kB from /proc/meminfo, as {@code node info} shows it; zeros where there is none. */
public final class HostMemory {
  private HostMemory() {}

  public static Memory read() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      return new Memory(field(lines, "MemTotal:"), field(lines, "MemFree:"), field(lines, "MemAvailable:"));
    } catch (IOException e) {
      return new Memory(0, 0, 0);
    }
  }

  private static long field(List<String> lines, String name) {
    return lines.stream()
        .filter(l -> l.startsWith(name))
        .map(l -> l.substring(name.length()).trim().split("\\s+")[0])
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(0);
  }
}
