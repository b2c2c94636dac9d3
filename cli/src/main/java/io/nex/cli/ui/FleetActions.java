package io.nex.cli.ui;

import io.nex.api.control.StopResponse;
import io.nex.cli.CliException;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.identity.UserKeys;
import io.nex.cli.node.LameDuckSender;
import io.nex.cli.workload.StopSender;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the page's buttons do, with the user's own keys, exactly as {@code nex stop} and
 * {@code nex lameduck} would: a node that refuses says why, and the page shows that line.
 */
final class FleetActions {
  private final ControlPlaneLink link;
  private final String namespace;
  private final Path issuer;
  private final FleetWatch fleet;

  /** The answer the page shows beside the button. */
  record Outcome(boolean ok, String message) {}

  record StopCall(String nodeId, String workloadId, String name) {}

  record LameDuckCall(String nodeId) {}

  FleetActions(ControlPlaneLink link, String namespace, Path issuer, FleetWatch fleet) {
    this.link = link;
    this.namespace = namespace;
    this.issuer = issuer;
    this.fleet = fleet;
  }

  Outcome stop(StopCall call) {
    if (blank(call.nodeId()) || blank(call.workloadId()) || blank(call.name())) {
      return new Outcome(false, "a stop names the node, the workload id and its name");
    }
    return run(client -> {
      StopResponse stopped = StopSender.stop(client, namespace, call.nodeId(), call.workloadId(), call.name(),
          UserKeys.issuer(issuer));
      return "Workload '" + stopped.name() + "' stopped";
    });
  }

  Outcome lameDuck(LameDuckCall call) {
    if (blank(call.nodeId())) {
      return new Outcome(false, "lame duck names the node");
    }
    return run(client -> {
      LameDuckSender.send(client, call.nodeId(), null);
      return "Node " + call.nodeId() + " entered lame duck mode";
    });
  }

  private interface Action {
    String apply(ControlPlaneClient client);
  }

  private Outcome run(Action action) {
    Optional<ControlPlaneClient> client = link.client();
    if (client.isEmpty()) {
      return new Outcome(false, "not connected to the control plane");
    }
    try {
      return new Outcome(true, action.apply(client.get()));
    } catch (CliException e) {
      return new Outcome(false, e.getMessage());
    } finally {
      fleet.soon();
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
