package io.nex.node.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * What {@code /proc} says about processes: where they work, what they run, when they started.
 * Used to find a sandbox's processes once their parent is gone (an orphaned workload is
 * re-parented away from its agent, but keeps working in the sandbox's directory), and to make
 * sure a pid recorded by an earlier run still names the same process before it is killed.
 * Without {@code /proc} it finds nothing.
 */
public final class ProcessTable {
  private static final Path PROC = Path.of("/proc");
  private static final String DELETED = " (deleted)";

  private ProcessTable() {}

  /** Live processes whose working directory is {@code dir} or below it (also once it was deleted). */
  public static List<ProcessHandle> workingIn(Path dir) {
    String prefix = dir.toAbsolutePath().normalize().toString();
    long self = ProcessHandle.current().pid();
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(PROC)) {
      entries.map(p -> p.getFileName().toString())
          .filter(name -> name.chars().allMatch(Character::isDigit))
          .mapToLong(Long::parseLong)
          .filter(pid -> pid != self)
          .forEach(pid -> cwd(pid).filter(cwd -> cwd.equals(prefix) || cwd.startsWith(prefix + "/"))
              .flatMap(cwd -> ProcessHandle.of(pid)).ifPresent(found::add));
    } catch (IOException | SecurityException e) {
      // no /proc: nothing to find
    }
    return found;
  }

  private static Optional<String> cwd(long pid) {
    try {
      String link = Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")).toString();
      return Optional.of(link.endsWith(DELETED) ? link.substring(0, link.length() - DELETED.length()) : link);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty(); // gone meanwhile, or a kernel thread
    }
  }

  /** The command line, arguments joined by spaces; empty when the process is gone. */
  public static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      return raw.length == 0 ? Optional.empty()
          : Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * When the process started, in clock ticks since boot ({@code /proc/<pid>/stat} field 22):
   * with the pid, it names one process for as long as the machine runs.
   */
  public static OptionalLong startTime(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      // the command name (field 2) is in parentheses and may hold spaces: count from after it
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalLong.of(Long.parseLong(rest[19]));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
