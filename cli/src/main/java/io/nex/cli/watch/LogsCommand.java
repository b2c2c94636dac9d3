package io.nex.cli.watch;

import io.nex.api.Json;
import io.nex.api.Subjects;
import io.nex.api.events.LogLine;
import io.nex.cli.ControlPlaneClient;
import io.nex.cli.GlobalOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Follow workload logs")
public final class LogsCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--node", defaultValue = "*", description = "node id (default all)") String node;
  @Option(names = {"--workload_name", "--workload-name"}, defaultValue = "*", description = "workload name (default all)")
  String workloadName;
  @Option(names = {"--workload_id", "--workload-id"}, defaultValue = "*", description = "workload id (default all)")
  String workloadId;
  @Option(names = "--level", defaultValue = "debug", description = "lowest level shown: debug, info, warn, error")
  String level;
  @Option(names = "--json", description = "print each line as received") boolean json;
  @Option(names = "--count", defaultValue = "0", description = "exit after this many lines (default: follow)") int count;

  @Override
  public Integer call() throws Exception {
    int minimum = switch (level.toLowerCase()) {
      case "debug" -> LogLine.DEBUG;
      case "info" -> LogLine.INFO;
      case "warn" -> LogLine.WARN;
      case "error" -> LogLine.ERROR;
      default -> throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--level must be debug, info, warn or error");
    };
    String subject = Subjects.logs(global.namespace, node, workloadName, workloadId);
    try (ControlPlaneClient client = ControlPlaneClient.connect(global)) {
      Follower.follow(client, List.of(subject), count, msg -> {
        try {
          LogLine line = Json.read(msg.getData(), LogLine.class);
          if (line.level() < minimum) {
            return;
          }
          String[] tokens = msg.getSubject().split("\\.");
          System.out.println(json ? new String(msg.getData(), StandardCharsets.UTF_8)
              : "[" + tokens[4] + " " + tokens[5] + "] " + (line.level() >= LogLine.ERROR ? "ERR " : "") + line.text());
        } catch (Json.MalformedJsonException e) {
          System.err.println("unreadable log line on " + msg.getSubject());
        }
      });
    }
    return 0;
  }
}
