package io.nex.cli.watch;

import io.nats.client.Message;
import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.events.CloudEvent;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", mixinStandardHelpOptions = true, description = "Follow node and workload events")
public final class EventsCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--json", description = "print each event as received") boolean json;
  @Option(names = "--count", defaultValue = "0", description = "exit after this many events (default: follow)") int count;

  @Override
  public Integer call() throws Exception {
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      Follower.follow(client, subjects(global.namespace), count, msg -> System.out.println(render(msg, json)));
    }
    return 0;
  }

  /** The event subjects of a namespace, and the node-level ones in {@code system}. */
  public static List<String> subjects(String namespace) {
    return namespace.equals(Subjects.SYSTEM_NAMESPACE)
        ? List.of(Subjects.event(namespace, "*"))
        : List.of(Subjects.event(namespace, "*"), Subjects.event(Subjects.SYSTEM_NAMESPACE, "*"));
  }

  static String render(Message msg, boolean json) {
    if (json) {
      return new String(msg.getData(), StandardCharsets.UTF_8);
    }
    try {
      CloudEvent event = Json.read(msg.getData(), CloudEvent.class);
      return "event " + event.type() + " ns=" + event.namespace() + " from=" + event.source() + " " + event.data();
    } catch (Json.MalformedJsonException e) {
      return "unreadable event on " + msg.getSubject();
    }
  }
}
