package io.nex.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test tools from npm: a folder under src/test with a package.json and its lock, copied to
 * target/ and installed there once with {@code npm ci} (pinned by the lock, no install scripts),
 * never committed as node_modules.
 */
public final class NpmTools {
  private NpmTools() {}

  /**
   * Copies {@code files} from {@code src/test/<source>} of the module under test to
   * {@code target/<source>} and runs {@code npm ci} there unless {@code installed} (a path inside
   * it) already exists. Returns the folder.
   */
  public static Path install(String source, List<String> files, String installed) throws IOException, InterruptedException {
    Path module = Path.of(System.getProperty("basedir", "."));
    Path dir = module.resolve("target").resolve(source);
    Files.createDirectories(dir);
    for (String file : files) {
      Files.copy(module.resolve("src/test").resolve(source).resolve(file), dir.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.exists(dir.resolve(installed))) {
      Path log = dir.resolve("npm-ci.log");
      // --ignore-scripts: nothing from the registry runs during the build
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!npm.waitFor(180, TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new AssertionError("npm ci in " + dir + " did not finish in 180 s (log: " + log + ")");
      }
      if (npm.exitValue() != 0) {
        throw new AssertionError("npm ci in " + dir + " exited " + npm.exitValue() + ":\n" + Files.readString(log));
      }
    }
    return dir;
  }
}
