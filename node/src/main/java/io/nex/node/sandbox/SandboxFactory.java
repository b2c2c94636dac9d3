package io.nex.node.sandbox;

import io.nex.api.agent.AgentMetadata;
import io.nex.node.config.NodeConfig.MachineTemplate;
import io.nex.node.internal.InternalServer;
import io.nex.node.internal.SandboxCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes and unmakes sandboxes: an account on the internal server, then the driver's sandbox with
 * the agent's metadata; on the way out, the reverse, so a destroyed sandbox's credentials die
 * with it.
 */
public final class SandboxFactory {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxFactory.class);

  private final SandboxDriver driver;
  private final InternalServer internal;
  private final MachineTemplate template;
  private final Path sandboxesDir;
  private final Map<String, SandboxCredentials> credentials = new ConcurrentHashMap<>();

  public SandboxFactory(SandboxDriver driver, InternalServer internal, MachineTemplate template, Path sandboxesDir) {
    this.driver = driver;
    this.internal = internal;
    this.template = template;
    this.sandboxesDir = sandboxesDir;
  }

  public SandboxDriver driver() {
    return driver;
  }

  public Sandbox create() throws IOException {
    String id = SandboxIds.next();
    SandboxCredentials created = internal.addSandbox(id);
    credentials.put(id, created);
    AgentMetadata metadata = new AgentMetadata(id, internal.host(), internal.port(), created.userSeed(),
        AgentMetadata.HOST_SUPPLIED);
    try {
      Sandbox sandbox = driver.launch(new SandboxSpec(id, metadata, template, sandboxesDir.resolve(id)));
      LOG.info("Sandbox started kind={} vmid={} {} nats_host={} nats_port={}", driver.kind(), id,
          sandbox.describe(), internal.host(), internal.port());
      return sandbox;
    } catch (IOException | RuntimeException e) {
      credentials.remove(id);
      internal.removeSandbox(id);
      throw e;
    }
  }

  /** The internal-server credentials of a live sandbox, for staging its artifact. */
  public SandboxCredentials credentials(String sandboxId) {
    SandboxCredentials found = credentials.get(sandboxId);
    if (found == null) {
      throw new IllegalStateException("no live sandbox " + sandboxId);
    }
    return found;
  }

  public void destroy(Sandbox sandbox) {
    sandbox.destroy();
    credentials.remove(sandbox.id());
    try {
      internal.removeSandbox(sandbox.id());
    } catch (IOException e) {
      LOG.warn("Could not remove the internal account of sandbox vmid={}: {}", sandbox.id(), e.getMessage());
    }
  }
}
