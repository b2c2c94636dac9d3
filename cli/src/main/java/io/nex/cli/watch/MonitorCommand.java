package io.nex.cli.watch;

import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.events.LogLine;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = "Follow events and workload logs together, in arrival order")
public final class MonitorCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--count", defaultValue = "0", description = "exit after this many messages (default: follow)") int count;

  @Override
  public Integer call() throws Exception {
    List<String> subjects = new ArrayList<>(EventsCommand.subjects(global.namespace));
    subjects.add(Subjects.logs(global.namespace, "*", "*", "*"));
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      Follower.follow(client, subjects, count, msg -> {
        if (msg.getSubject().startsWith(Subjects.PREFIX + ".logs.")) {
          String[] tokens = msg.getSubject().split("\\.");
          try {
            System.out.println("log   " + tokens[4] + " " + tokens[5] + ": " + Json.read(msg.getData(), LogLine.class).text());
          } catch (Json.MalformedJsonException e) {
            System.out.println("log   unreadable line on " + msg.getSubject());
          }
        } else {
          System.out.println(EventsCommand.render(msg, false));
        }
      });
    }
    return 0;
  }
}
