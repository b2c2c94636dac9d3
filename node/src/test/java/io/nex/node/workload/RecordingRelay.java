package io.nex.node.workload;

import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.events.EventTypes;
import io.nex.node.session.SessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what workloads print (as "name: text"); ends a workload as the node's relay does. */
public final class RecordingRelay implements OutputRelay {
  public final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public SessionListener relay(Deployment deployment, Ended ended) {
    return new SessionListener() {
      @Override
      public void log(AgentLogLine line) {
        lines.add(deployment.name() + ": " + line.text());
      }

      @Override
      public void event(String type, WorkloadEvent event) {
        if (EventTypes.WORKLOAD_UNDEPLOYED.equals(type)) {
          ended.ended(event.code(), event.message());
        }
      }

      @Override
      public void exited(int code) {
        ended.ended(code, "agent exited with code " + code);
      }
    };
  }
}
