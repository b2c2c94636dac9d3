package io.nex.cli.node;

import io.nex.cli.CliException;
import io.nex.cli.Output;
import io.nex.node.config.ConfigException;
import io.nex.node.config.NodeConfig;
import io.nex.node.config.NodeConfigLoader;
import io.nex.node.preflight.Check;
import io.nex.node.preflight.Preflight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "preflight", mixinStandardHelpOptions = true,
    description = "Check this host for what a node needs; --init writes a default config first")
public final class NodePreflightCommand implements Callable<Integer> {
  @Option(names = "--config", description = "node configuration file (default: none, the defaults)")
  Path config;

  @Option(names = "--init", arity = "0..1", fallbackValue = "sandbox", paramLabel = "sandbox|nosandbox",
      description = "write a default config to --config (default ./config.json) if none exists")
  String init;

  @Option(names = "--json", description = "print the checks as JSON")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (init != null) {
      writeDefaultConfig();
    }
    NodeConfig nodeConfig;
    try {
      nodeConfig = config == null ? NodeConfigLoader.defaults() : NodeConfigLoader.load(config);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    Preflight preflight = new Preflight(nodeConfig);
    String sandbox = preflight.chosenSandbox();
    List<Check> checks = preflight.run();
    boolean runnable = checks.stream().filter(Check::required).allMatch(Check::ok);
    if (json) {
      Output.json(Map.of("sandbox", sandbox, "runnable", runnable, "checks", checks));
    } else {
      System.out.println("Preflight for sandbox \"" + sandbox + "\"" + (config == null ? "" : " (" + config + ")"));
      for (Check check : checks) {
        String mark = check.ok() ? "✔" : check.required() ? "✘" : "·";
        System.out.println(" " + mark + " " + check.name() + ": " + check.detail()
            + (!check.ok() && !check.fix().isBlank() ? "  → fix: " + check.fix() : ""));
      }
      System.out.println(runnable ? "✔ a node can run here with the \"" + sandbox + "\" sandbox"
          : "✘ the \"" + sandbox + "\" sandbox cannot run here: fix the ✘ items above");
    }
    return runnable ? 0 : 1;
  }

  private void writeDefaultConfig() throws IOException {
    if (!init.equals("sandbox") && !init.equals("nosandbox")) {
      throw new CliException("--init takes sandbox or nosandbox, not \"" + init + "\"");
    }
    if (config == null) {
      config = Path.of("config.json");
    }
    if (Files.exists(config)) {
      System.out.println("Config " + config + " exists; not overwriting it");
      return;
    }
    String defaults = NodeConfigLoader.defaultsJson();
    if (init.equals("nosandbox")) {
      defaults = defaults.replace("\"sandbox\" : null", "\"sandbox\" : \"process\"");
    }
    Files.writeString(config, defaults + "\n", StandardCharsets.UTF_8);
    System.out.println("Wrote default config " + config);
  }
}
