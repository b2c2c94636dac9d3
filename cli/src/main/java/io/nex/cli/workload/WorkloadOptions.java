package io.nex.cli.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Flags shared by {@code run} and {@code devrun}, spelled as Nex spells them (hyphenated aliases accepted). */
public final class WorkloadOptions {
  @Option(names = "--name", description = "workload name (letters, digits, - and _)")
  String name;

  @Option(names = "--type", description = "native, jar, wasm or javascript (v8); devrun guesses from the file")
  String type;

  @Option(names = "--argv", description = "arguments for the workload, space-separated")
  String argv;

  @Option(names = "--description", description = "free text shown by node info")
  String description;

  @Option(names = "--essential", description = "restart the workload when it exits")
  boolean essential;

  @Option(names = {"--trigger_subject", "--trigger-subject"}, description = "subject that triggers a function (repeatable)")
  List<String> triggerSubjects = new ArrayList<>();

  @Option(names = "--tag", paramLabel = "K=V",
      description = "without a node id: place only on a node with this tag (repeatable)")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--issuer", description = "issuer account seed file (default ~/.nex/issuer.nk, made on first use)")
  Path issuer;

  @Option(names = "--xkey", description = "publisher curve seed file (default ~/.nex/publisher.xk, made on first use)")
  Path xkey;

  List<String> argvList() {
    return argv == null || argv.isBlank() ? List.of() : List.of(argv.trim().split("\\s+"));
  }
}
