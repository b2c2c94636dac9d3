package io.nex.bench;

import io.nex.node.fs.DirectoryTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Temporary directories for the benchmarks' servers and nodes, removed when the run ends. */
final class Scratch {
  private static final List<Path> MADE = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> MADE.forEach(dir -> {
      try {
        DirectoryTree.delete(dir);
      } catch (IOException e) {
        System.err.println("could not remove " + dir + ": " + e.getMessage());
      }
    }), "scratch-cleanup"));
  }

  private Scratch() {}

  static Path dir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      MADE.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
