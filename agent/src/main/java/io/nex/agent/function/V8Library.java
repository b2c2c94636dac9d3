package io.nex.agent.function;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * V8's native library (Javet's 40 MB {@code .so}), kept once per machine instead of once per
 * process: left to itself, Javet copies it into {@code /tmp/javet/<pid>/} at every JVM start and
 * never removes it. The node extracts it into its cache before it starts agents and tells each
 * one where it is ({@link #ENV_DIRECTORY}); sandboxes with walls see that directory read-only.
 * The directory is named after the library's file, which carries Javet's version, so a new
 * Javet never loads an old library.
 */
public final class V8Library {
  /** The agent's environment variable naming the directory that holds the library. */
  public static final String ENV_DIRECTORY = "NEX_V8_LIBRARY_DIR";

  private V8Library() {}

  /** The library's file name, e.g. {@code libjavet-v8-linux-x86_64.v.5.0.6.so}. */
  public static String fileName() {
    try {
      return new JavetLibLoader(JSRuntimeType.V8).getLibFileName();
    } catch (JavetException e) {
      throw new IllegalStateException("V8 is not available on this platform: " + e.getMessage(), e);
    }
  }

  /**
   * Extracts the library from the class path into {@code cacheRoot/<name>/} unless it is already
   * there, and returns that directory. Safe against other nodes doing the same at once: the file
   * appears whole or not at all. The file and its directory are read-only.
   */
  public static Path extract(Path cacheRoot) throws IOException {
    String name = fileName();
    Path directory = cacheRoot.resolve(name.substring(0, name.length() - ".so".length()));
    Path library = directory.resolve(name);
    long size = resourceSize(name);
    if (Files.isRegularFile(library) && Files.size(library) == size) {
      return directory;
    }
    Files.createDirectories(directory);
    directory.toFile().setWritable(true, true);
    Path partial = Files.createTempFile(directory, name, ".partial");
    try (InputStream in = resource(name).openStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
      try {
        Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, library, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
    return directory;
  }

  /** Where a process that was not told a directory keeps its own copy: the user's cache. */
  static Path defaultCache() {
    return Path.of(System.getProperty("user.home"), ".cache", "nex", "v8");
  }

  private static URL resource(String name) throws IOException {
    URL url = JavetLibLoader.class.getResource("/" + name);
    if (url == null) {
      throw new IOException("the class path holds no " + name + " (is com.caoccao.javet:javet-v8-linux-x86_64 there?)");
    }
    return url;
  }

  /** The entry's size as the jar records it: reading 40 MB to count them would cost every start. */
  private static long resourceSize(String name) throws IOException {
    URLConnection connection = resource(name).openConnection();
    connection.setUseCaches(false);
    long size = connection.getContentLengthLong();
    connection.getInputStream().close();
    return size;
  }
}
