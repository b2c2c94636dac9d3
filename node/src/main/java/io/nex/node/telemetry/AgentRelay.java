package io.nex.node.telemetry;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.agent.AgentLogLine;
import io.nex.api.agent.WorkloadEvent;
import io.nex.api.events.EventTypes;
import io.nex.api.events.LogLine;
import io.nex.node.controlplane.ControlPlaneWatch;
import io.nex.node.workload.Deployment;
import io.nex.node.workload.Deployments;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Carries what agents say on the internal server to the control plane: workload output to
 * {@code $NEX.logs.{ns}.{node}.{workload}.{id}} and lifecycle events to
 * {@code $NEX.events.{ns}.{type}}. Anything from a sandbox without a deployment is dropped: an
 * idle agent has nothing to say to users.
 */
public final class AgentRelay implements AutoCloseable {
  private final Connection internal;
  private final Connection controlPlane;
  private final String nodeId;
  private final Deployments deployments;
  private final EventPublisher events;
  private final WorkloadExitListener onExit;
  private final ControlPlaneWatch controlPlaneWatch;
  private Dispatcher dispatcher;

  /** Told when an agent reports that its workload ended: {@code (sandbox id, exit code, reason)}. */
  @FunctionalInterface
  public interface WorkloadExitListener {
    void ended(String sandboxId, int code, String reason);
  }

  public AgentRelay(Connection internal, Connection controlPlane, String nodeId, Deployments deployments,
      EventPublisher events, WorkloadExitListener onExit, ControlPlaneWatch controlPlaneWatch) {
    this.controlPlaneWatch = controlPlaneWatch;
    this.internal = internal;
    this.controlPlane = controlPlane;
    this.nodeId = nodeId;
    this.deployments = deployments;
    this.events = events;
    this.onExit = onExit;
  }

  public void start() {
    dispatcher = internal.createDispatcher();
    dispatcher.subscribe(Subjects.agentLogs("*"), this::relayLog);
    dispatcher.subscribe(Subjects.agentEvents("*", "*"), this::relayEvent);
  }

  private void relayLog(Message message) {
    deploymentOf(message).ifPresent(d -> {
      if (!controlPlaneWatch.connected()) {
        controlPlaneWatch.logLineDropped();
        return;
      }
      try {
        AgentLogLine line = Json.read(message.getData(), AgentLogLine.class);
        controlPlane.publish(Subjects.logs(d.namespace(), nodeId, d.name(), d.id()),
            Json.write(new LogLine(line.text(), line.level(), d.id())));
      } catch (Json.MalformedJsonException ignored) {
        // an agent that cannot write JSON gets no voice
      }
    });
  }

  private void relayEvent(Message message) {
    String type = message.getSubject().substring(message.getSubject().lastIndexOf('.') + 1);
    deploymentOf(message).ifPresent(d -> {
      WorkloadEvent event;
      try {
        event = Json.read(message.getData(), WorkloadEvent.class);
      } catch (Json.MalformedJsonException e) {
        return;
      }
      if (EventTypes.WORKLOAD_UNDEPLOYED.equals(type)) {
        // the deployer publishes the undeploy event once it has destroyed the sandbox
        onExit.ended(d.id(), event.code(), event.message());
        return;
      }
      if (EventTypes.WORKLOAD_DEPLOYED.equals(type)) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workload_name", d.name());
        data.put("id", d.id());
        data.put("type", d.type());
        d.describeEssential(data);
        events.publish(d.namespace(), type, data);
      }
    });
  }

  private Optional<Deployment> deploymentOf(Message message) {
    return deployments.get(Subjects.sandboxIdOf(message.getSubject()));
  }

  @Override
  public void close() {
    if (dispatcher != null && internal.getStatus() == Connection.Status.CONNECTED) {
      internal.closeDispatcher(dispatcher);
    }
  }

}
