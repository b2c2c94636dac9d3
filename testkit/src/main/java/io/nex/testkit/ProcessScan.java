package io.nex.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scans /proc for processes tied to a marker (a test's own resource dir): in their command line,
 * their working directory or their environment. What a test finds after a node stopped is an orphan.
 */
public final class ProcessScan {
  private ProcessScan() {}

  public static List<String> processesMentioning(String marker) throws IOException {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (Long.parseLong(proc.getFileName().toString()) == self) {
          continue;
        }
        String cmdline = read(proc.resolve("cmdline"));
        String environ = read(proc.resolve("environ"));
        String cwd = "";
        try {
          cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString();
        } catch (IOException | UnsupportedOperationException gone) {
          // the process ended while we looked, or is not ours to read
        }
        if (cmdline.contains(marker) || environ.contains(marker) || cwd.contains(marker)) {
          found.add(proc.getFileName() + ": " + cmdline.replace('\0', ' ').trim());
        }
      }
    }
    return found;
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
