package io.nex.node.workload;

import io.nex.node.session.SessionListener;

/** Carries what a deployed workload's agent says to its users, and tells the deployer when it ends. */
public interface OutputRelay {
  /** Told that the workload ended (its agent reported it, or the sandbox exited). */
  @FunctionalInterface
  interface Ended {
    void ended(int code, String reason);
  }

  /** The listener for the session of {@code deployment}. */
  SessionListener relay(Deployment deployment, Ended ended);
}
