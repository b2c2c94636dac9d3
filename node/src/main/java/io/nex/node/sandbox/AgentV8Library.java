package io.nex.node.sandbox;

import io.nex.agent.function.V8Library;
import io.nex.node.fs.CacheDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one copy of V8's native library that every agent of this machine loads
 * ({@link V8Library}): extracted into the {@link CacheDir} {@code v8} the first time a sandbox
 * starts, then only checked. A sandbox with walls binds the directory read-only at the same path.
 */
public final class AgentV8Library {
  private static final Logger LOG = LoggerFactory.getLogger(AgentV8Library.class);
  private static Optional<Path> directory;

  private AgentV8Library() {}

  /** The directory holding the library, or empty if it could not be extracted (JavaScript deploys then say why). */
  public static synchronized Optional<Path> directory() {
    if (directory == null) {
      try {
        directory = Optional.of(V8Library.extract(CacheDir.of("v8")));
      } catch (IOException | RuntimeException e) {
        LOG.warn("V8's library could not be prepared for agents; JavaScript functions will not deploy: {}", e.getMessage());
        directory = Optional.empty();
      }
    }
    return directory;
  }
}
