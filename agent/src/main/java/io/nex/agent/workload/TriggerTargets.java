package io.nex.agent.workload;

/** The functions a trigger socket's calls go to: the agent's one workload, or a function host's functions. */
interface TriggerTargets {
  /**
   * The function a call names ({@code null}: the agent's one workload), or null when there is no
   * such function here (undeployed while its trigger was on its way).
   */
  FunctionHost find(String function);

  /** Waits until none of them has a run in progress or waiting. */
  void awaitIdle() throws InterruptedException;

  /** The agent's one workload: calls that name a function find none. */
  static TriggerTargets only(FunctionHost host) {
    return new TriggerTargets() {
      @Override
      public FunctionHost find(String function) {
        return function == null ? host : null;
      }

      @Override
      public void awaitIdle() throws InterruptedException {
        host.awaitIdle();
      }
    };
  }
}
