package io.nex.node.telemetry;

import io.nats.client.Connection;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.events.EventTypes;
import io.nex.api.events.LogLine;
import io.nex.node.controlplane.ControlPlaneWatch;
import io.nex.node.session.SessionListener;
import io.nex.node.workload.Deployment;
import io.nex.node.workload.OutputRelay;

/**
 * Carries what a deployed workload's agent says to the control plane: its output to
 * {@code $NEX.logs.{ns}.{node}.{workload}.{id}}, and its end to the deployer (which publishes
 * {@code workload_undeployed} once it has destroyed the sandbox). An idle agent has no listener
 * of this kind: it has nothing to say to users.
 */
public final class AgentRelay implements OutputRelay {
  private final Connection controlPlane;
  private final String nodeId;
  private final ControlPlaneWatch controlPlaneWatch;

  public AgentRelay(Connection controlPlane, String nodeId, ControlPlaneWatch controlPlaneWatch) {
    this.controlPlane = controlPlane;
    this.nodeId = nodeId;
    this.controlPlaneWatch = controlPlaneWatch;
  }

  @Override
  public SessionListener relay(Deployment d, Ended ended) {
    String subject = Subjects.logs(d.namespace(), nodeId, d.name(), d.id());
    return new SessionListener() {
      @Override
      public void log(AgentLogLine line) {
        if (!controlPlaneWatch.connected()) {
          controlPlaneWatch.logLineDropped();
          return;
        }
        controlPlane.publish(subject, Json.write(new LogLine(line.text(), line.level(), d.id())));
      }

      @Override
      public void event(String type, WorkloadEvent event) {
        // workload_deployed is the node's to publish, when the agent's acknowledgement arrives
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
