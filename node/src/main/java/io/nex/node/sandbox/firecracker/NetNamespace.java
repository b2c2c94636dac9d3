package io.nex.node.sandbox.firecracker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A named network namespace ({@code ip netns}), one per VM: CNI puts the VM's veth and tap in
 * it, and Firecracker runs inside it, so the tap exists only for that VM and goes away with it.
 */
record NetNamespace(Path ip, String name) {
  Path path() {
    return Path.of("/var/run/netns", name);
  }

  /** The command prefix that runs a program inside the namespace ({@code ip netns exec} execs it, same pid). */
  List<String> exec() {
    return List.of(ip.toString(), "netns", "exec", name);
  }

  void create() throws IOException {
    run("add");
  }

  void delete() throws IOException {
    run("delete");
  }

  private void run(String verb) throws IOException {
    Process process = new ProcessBuilder(ip.toString(), "netns", verb, name).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("ip netns " + verb + " " + name + " failed: " + (output.isEmpty() ? "no output" : output));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during ip netns " + verb);
    }
  }
}
