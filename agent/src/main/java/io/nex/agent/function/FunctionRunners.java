package io.nex.agent.function;

import io.nex.api.WorkloadType;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Where function workloads start: picks the runtime for the workload type and prepares the artifact. */
public final class FunctionRunners {
  private FunctionRunners() {}

  /**
   * Validates and prepares the artifact; refuses at deploy time with a one-line reason (module does
   * not parse, missing export, script syntax error, script too big).
   *
   * @param logLine receives console output of scripts and WASI stderr of modules, a line at a time,
   *     from invocation threads
   */
  public static FunctionRunner create(String workloadType, byte[] artifact, Map<String, String> env,
      FunctionLimits limits, HostServices hostServices, Consumer<String> logLine) throws FunctionException {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(hostServices, "hostServices");
    Objects.requireNonNull(logLine, "logLine");
    WorkloadType type = WorkloadType.parse(workloadType)
        .filter(WorkloadType::isFunction)
        .orElseThrow(() -> new FunctionException("\"" + workloadType + "\" is not a function type; use wasm or javascript"));
    return switch (type) {
      case JAVASCRIPT -> JavaScriptRunner.create(artifact, limits, hostServices, logLine);
      case WASM -> WasmRunner.create(artifact, env == null ? Map.of() : env, limits, hostServices, logLine);
      default -> throw new IllegalStateException(type + " is not a function type");
    };
  }
}
