package io.nex.agent.workload;

import io.nex.api.WorkloadType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How each service type is started. {@code native}: the artifact itself, with argv. {@code jar}:
 * a JVM whose heap is the machine template's memory. Either way the environment is exactly the
 * deploy's (keys upper-cased, as Nex does), never the agent's own. Where the sandbox gives the
 * workload a {@link WorkloadUser}, it starts as that user, in that user's home.
 */
final class WorkloadCommand {
  private WorkloadCommand() {}

  static ProcessBuilder forService(WorkloadType type, Path artifact, List<String> argv, Map<String, String> env,
      int memsizeMib, Path workDir, Optional<WorkloadUser> user) {
    List<String> command = new ArrayList<>();
    user.ifPresent(u -> command.addAll(u.commandPrefix()));
    switch (type) {
      case NATIVE -> command.add(artifact.toAbsolutePath().toString());
      case JAR -> {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + Math.max(16, memsizeMib) + "m");
        command.add("-XX:+UseSerialGC");
        command.add("-jar");
        command.add(artifact.toAbsolutePath().toString());
      }
      default -> throw new IllegalArgumentException(type.wireName() + " is not a service type");
    }
    if (argv != null) {
      command.addAll(argv);
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(user.map(WorkloadUser::home).orElse(workDir).toFile());
    builder.environment().clear();
    if (env != null) {
      env.forEach((k, v) -> builder.environment().put(k.toUpperCase(Locale.ROOT), v));
    }
    return builder;
  }
}
