package io.nex.node.sandbox.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host programs a qemu sandbox is made of; missing ones are named with their Debian package. */
record Programs(Path qemu, Path qemuImg, Path socat) {
  static Programs locate() {
    List<String> missing = new ArrayList<>();
    Path qemu = find("qemu-system-x86_64", "qemu-system-x86", missing);
    Path qemuImg = find("qemu-img", "qemu-utils", missing);
    Path socat = find("socat", "socat", missing);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(String.join(", ", missing) + " not found (apt-get install -y "
          + "--no-install-recommends qemu-system-x86 qemu-utils socat)");
    }
    return new Programs(qemu, qemuImg, socat);
  }

  private static Path find(String name, String pkg, List<String> missing) {
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    missing.add(name + " (" + pkg + ")");
    return null;
  }

  /** A qcow2 file that reads through to the shared image and takes this VM's writes. */
  void createOverlay(Path image, Path overlay) throws IOException {
    Process p = new ProcessBuilder(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
        image.toString(), overlay.toString()).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("qemu-img could not create an overlay of " + image + ": "
            + new String(p.getInputStream().readAllBytes()).strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating an overlay");
    }
  }
}
