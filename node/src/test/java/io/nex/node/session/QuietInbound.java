package io.nex.node.session;

import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;

/** For tests that use a transport's requests only: knows no sandbox, ignores what agents say. */
public final class QuietInbound implements AgentInbound {
  @Override
  public boolean handshake(String sandboxId, String message) {
    return false;
  }

  @Override
  public void log(String sandboxId, AgentLogLine line) {}

  @Override
  public void event(String sandboxId, String type, WorkloadEvent event) {}

  @Override
  public void connectionLost() {}

  @Override
  public void connectionRestored() {}
}
