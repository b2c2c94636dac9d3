package io.nex.cli;

import io.nex.api.NexVersion;
import io.nex.cli.node.NodeCommand;
import io.nex.cli.node.NodeLameDuckCommand;
import io.nex.cli.rootfs.RootfsCommand;
import io.nex.cli.ui.UiCommand;
import io.nex.cli.watch.EventsCommand;
import io.nex.cli.watch.LogsCommand;
import io.nex.cli.watch.MonitorCommand;
import io.nex.cli.workload.DevRunCommand;
import io.nex.cli.workload.RunCommand;
import io.nex.cli.workload.StopCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nex}: the command line of Nex for Java. */
@Command(name = "nex", mixinStandardHelpOptions = true, version = "nex " + NexVersion.VERSION,
    description = "NATS execution engine",
    subcommands = {NodeCommand.class, RunCommand.class, DevRunCommand.class, StopCommand.class, LogsCommand.class,
        EventsCommand.class, MonitorCommand.class, RequestCommand.class, NodeLameDuckCommand.class,
        RootfsCommand.class, UiCommand.class})
public final class NexMain {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new NexMain());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof CliException) {
        System.err.println("nex: " + e.getMessage());
      } else {
        System.err.println("nex: unexpected error: " + e);
      }
      return 1;
    });
    cli.setParameterExceptionHandler((e, args1) -> {
      CommandLine command = e.getCommandLine();
      System.err.println("nex: " + e.getMessage());
      System.err.println("usage: " + command.getHelp().synopsis(0).trim());
      return 2;
    });
    return cli.execute(args);
  }
}
