package io.nex.agent.function;

import com.caoccao.javet.enums.JSRuntimeType;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.loader.IJavetLibLoadingListener;
import com.caoccao.javet.interop.loader.JavetLibLoader;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * V8 in this process: loaded once, from the node's copy of the library ({@link V8Library}), with
 * the flags every isolate shares. V8 reads its flags once, when it starts, so the heap cap is one
 * number per process ({@link #HEAP_MIB}), applied to each isolate on its own.
 */
final class V8Engine {
  /** Environment variable: the V8 heap cap of each function isolate, in MiB (default 64). */
  static final String ENV_HEAP_MIB = "NEX_V8_HEAP_MIB";
  static final int HEAP_MIB = heapMib(System.getenv(ENV_HEAP_MIB));

  private static V8Host host;

  private V8Engine() {}

  /** A new isolate with its own heap; loads V8 first if this process has not yet. */
  static V8Runtime newRuntime() throws FunctionException {
    try {
      return host().createV8Runtime();
    } catch (JavetException e) {
      throw new FunctionException("cannot start V8: " + e.getMessage());
    }
  }

  /** Loads V8 now, e.g. while an agent waits in the warm pool, so that a deploy does not. */
  static synchronized V8Host host() throws FunctionException {
    if (host != null) {
      return host;
    }
    File directory = libraryDirectory().toFile();
    JavetLibLoader.setLibLoadingListener(new IJavetLibLoadingListener() {
      @Override
      public File getLibPath(JSRuntimeType type) {
        return directory;
      }

      @Override
      public boolean isDeploy(JSRuntimeType type) {
        return false; // load it where it is; never copy it to /tmp/javet/<pid>
      }
    });
    // users write sloppy scripts as often as strict ones; Javet would make every script strict
    V8RuntimeOptions.V8_FLAGS.setUseStrict(false).setMaxHeapSize(HEAP_MIB)
        // no compiler or GC threads of V8's own: an agent shares a few cores with the node, the
        // servers and other agents, and measured under load a call cost 20-50% less CPU without them
        .setCustomFlags("--single-threaded");
    V8Host loaded = V8Host.getV8Instance();
    if (!loaded.isLibraryLoaded()) {
      JavetException why = loaded.getLastException();
      throw new FunctionException("cannot load V8 from " + directory + ": " + (why == null ? "unknown reason" : why.getMessage()));
    }
    host = loaded;
    return host;
  }

  private static Path libraryDirectory() throws FunctionException {
    String given = System.getenv(V8Library.ENV_DIRECTORY);
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    try {
      return V8Library.extract(V8Library.defaultCache());
    } catch (IOException e) {
      throw new FunctionException("cannot extract V8's library into " + V8Library.defaultCache() + ": " + e.getMessage());
    }
  }

  static int heapMib(String value) {
    if (value == null || value.isBlank()) {
      return 64;
    }
    try {
      int mib = Integer.parseInt(value.strip());
      if (mib >= 8) {
        return mib;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(ENV_HEAP_MIB + " must be a whole number of MiB, at least 8; was " + value);
  }
}
