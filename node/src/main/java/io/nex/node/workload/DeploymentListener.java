package io.nex.node.workload;

/** Hears of workloads coming and going; called on the deployer's threads, so it must not block. */
public interface DeploymentListener {
  /** How a workload came to an end. */
  enum Ending {
    /** Stopped by its issuer through {@code $NEX.STOP}. */
    REQUESTED,
    /** It (or its agent) exited on its own. */
    EXITED,
    /** The node let go of it: the node is stopping, draining, or another node took it over. */
    EVICTED
  }

  /**
   * A deploy succeeded. {@code spec} holds the opened environment: only for keeping an essential
   * workload alive, never for logs.
   */
  default void deployed(WorkloadSpec spec, Deployment deployment) {}

  default void ended(Deployment deployment, int code, String reason, Ending ending) {}
}
