package io.nex.node.session;

import io.nex.node.sandbox.Sandbox;
import io.nex.node.sandbox.SandboxDriver;
import io.nex.node.sandbox.SandboxSource;
import io.nex.node.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Hands out {@link FakeSandbox}es named {@code sandbox-1}, {@code sandbox-2}, … and remembers them. */
public final class FakeSandboxSource implements SandboxSource {
  private final Path dir;
  private final boolean sharesWorkDir;
  private final AtomicInteger count = new AtomicInteger();
  private final Supplier<String> ids;
  public final List<FakeSandbox> created = new CopyOnWriteArrayList<>();
  public final List<String> destroyed = new CopyOnWriteArrayList<>();

  public FakeSandboxSource(Path dir, boolean sharesWorkDir) {
    this(dir, sharesWorkDir, null);
  }

  /** Sandboxes with the ids {@code ids} gives, e.g. ones the internal server has users for. */
  public FakeSandboxSource(Path dir, boolean sharesWorkDir, Supplier<String> ids) {
    this.dir = dir;
    this.sharesWorkDir = sharesWorkDir;
    this.ids = ids;
  }

  @Override
  public SandboxDriver driver() {
    return new SandboxDriver() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public boolean isolated() {
        return false;
      }

      @Override
      public Sandbox launch(SandboxSpec spec) {
        throw new UnsupportedOperationException("sandboxes come from create()");
      }

      @Override
      public boolean sharesWorkDir() {
        return sharesWorkDir;
      }
    };
  }

  @Override
  public Sandbox create() {
    int n = count.incrementAndGet();
    String id = ids == null ? "sandbox-" + n : ids.get();
    FakeSandbox sandbox = new FakeSandbox(id, dir.resolve(id));
    created.add(sandbox);
    return sandbox;
  }

  @Override
  public void destroy(Sandbox sandbox) {
    destroyed.add(sandbox.id());
    sandbox.destroy();
  }

  public FakeSandbox get(String id) {
    return created.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
