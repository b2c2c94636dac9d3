package io.nex.node.sandbox.namespace;

import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in node for {@link NamespaceNodeKillTest}: launches one sandbox whose "agent" exits at
 * end of input, as the real one does, and whose "workload" daemonizes; prints the sandbox id;
 * then dies without any cleanup, as under SIGKILL.
 */
final class NodeKilledMain {
  private NodeKilledMain() {}

  public static void main(String[] args) throws Exception {
    SandboxHarness sandboxes = SandboxHarness.open(Path.of(args[0]), List.of());
    NamespaceSandbox sandbox = sandboxes.driver().launch(sandboxes.spec(SandboxHarness.SMALL, 4222),
        List.of("/bin/sh", "-c", "(setsid sleep 600 &); cat >/dev/null"));
    System.out.println("sandbox " + sandbox.id());
    System.out.flush();
    Thread.sleep(1000);
    Runtime.getRuntime().halt(9);
  }
}
