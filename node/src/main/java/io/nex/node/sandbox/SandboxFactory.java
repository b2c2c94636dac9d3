package io.nex.node.sandbox;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig.MachineTemplate;
import io.nex.node.internal.InternalServer;
import io.nex.node.internal.SandboxCredentials;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and unmakes sandboxes: an account on the internal server, then the driver's sandbox with
 * the agent's metadata; on the way out, the reverse, so a destroyed sandbox's credentials die
 * with it.
 */
public final class SandboxFactory implements SandboxSource {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxFactory.class);

  private final SandboxDriver driver;
  private final InternalServer internal;
  private final MachineTemplate template;
  private final Path sandboxesDir;

  public SandboxFactory(SandboxDriver driver, InternalServer internal, MachineTemplate template, Path sandboxesDir) {
    this.driver = driver;
    this.internal = internal;
    this.template = template;
    this.sandboxesDir = sandboxesDir;
  }

  @Override
  public SandboxDriver driver() {
    return driver;
  }

  @Override
  public Sandbox create() throws IOException {
    String id = SandboxIds.next();
    SandboxCredentials created = internal.addSandbox(id);
    AgentMetadata metadata = new AgentMetadata(id, internal.host(), internal.port(), created.userSeed(),
        AgentMetadata.HOST_SUPPLIED);
    try {
      Sandbox sandbox = driver.launch(new SandboxSpec(id, metadata, template, sandboxesDir.resolve(id)));
      LOG.info("Sandbox started kind={} vmid={} {} nats_host={} nats_port={}", driver.kind(), id,
          sandbox.describe(), internal.host(), internal.port());
      return sandbox;
    } catch (IOException | RuntimeException e) {
      internal.removeSandbox(id);
      throw e;
    }
  }

  @Override
  public void destroy(Sandbox sandbox) {
    sandbox.destroy();
    try {
      internal.removeSandbox(sandbox.id());
    } catch (IOException e) {
      LOG.warn("Could not remove the internal account of sandbox vmid={}: {}", sandbox.id(), e.getMessage());
    }
  }
}
