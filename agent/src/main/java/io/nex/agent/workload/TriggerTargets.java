package io.nex.agent.workload;

import io.nex.api.agent.DeployAck;
import java.util.function.Consumer;

/**
 * The functions a trigger socket's calls go to: the agent's one workload, or a function host's
 * functions, which the socket also adds and removes ({@link io.nex.api.agent.FunctionChange}).
 */
interface TriggerTargets {
  /**
   * The function a call names ({@code null}: the agent's one workload), or null when there is no
   * such function here (undeployed while its trigger was on its way).
   */
  FunctionHost find(String function);

  /** Waits until none of them has a run in progress or waiting. */
  void awaitIdle() throws InterruptedException;

  /** Adds the function of an {@code AddFunctionRequest}'s JSON; may block while it compiles. */
  void add(byte[] json, Consumer<DeployAck> answer);

  /** Removes the function of a {@code RemoveFunctionRequest}'s JSON. */
  void remove(byte[] json, Consumer<DeployAck> answer);

  /** The agent's one workload: calls that name a function find none, and it takes no functions. */
  static TriggerTargets only(FunctionHost host) {
    DeployAck notAHost = new DeployAck(false, "this agent runs one workload, not a function host");
    return new TriggerTargets() {
      @Override
      public FunctionHost find(String function) {
        return function == null ? host : null;
      }

      @Override
      public void awaitIdle() throws InterruptedException {
        host.awaitIdle();
      }

      @Override
      public void add(byte[] json, Consumer<DeployAck> answer) {
        answer.accept(notAHost);
      }

      @Override
      public void remove(byte[] json, Consumer<DeployAck> answer) {
        answer.accept(notAHost);
      }
    };
  }
}
