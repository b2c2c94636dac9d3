package io.nex.agent.workload;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What this agent's sandbox is used for, decided by the first deploy and never changed: one
 * workload of its own ({@link WorkloadHost}) or a function host ({@link HostedFunctions}). A
 * sandbox is never reused, so the two never mix.
 */
public final class SandboxUse {
  enum Use { WORKLOAD, FUNCTION_HOST }

  private final AtomicReference<Use> use = new AtomicReference<>();

  /** True if the sandbox is free or already used this way; false if it is used the other way. */
  boolean claim(Use wanted) {
    return use.compareAndSet(null, wanted) || use.get() == wanted;
  }
}
