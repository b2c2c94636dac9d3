package io.nex.agent.function;

import io.nex.api.WorkloadType;
import java.nio.charset.StandardCharsets;
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

  /**
   * Checks and compiles the artifact once, for functions that share it (a function host): a
   * WebAssembly module is parsed and compiled here, a script is checked here and compiled by each
   * function's own first isolate (V8 compiles per isolate), which is {@code spare}'s if it has one
   * ready. Refuses as {@link #create} does.
   */
  public static CompiledFunction compile(String workloadType, byte[] artifact, FunctionLimits limits,
      SpareIsolate spare) throws FunctionException {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(spare, "spare");
    WorkloadType type = WorkloadType.parse(workloadType)
        .filter(WorkloadType::isFunction)
        .orElseThrow(() -> new FunctionException("\"" + workloadType + "\" is not a function type; use wasm or javascript"));
    return switch (type) {
      case JAVASCRIPT -> {
        String source = JavaScriptRunner.decode(artifact, limits);
        yield (env, hostServices, logLine) -> JavaScriptRunner.start(source, spare.take(hostServices, logLine), limits,
            hostServices, logLine);
      }
      case WASM -> {
        PreparedModule prepared = PreparedModule.prepare(artifact, limits.memoryMib());
        yield (env, hostServices, logLine) -> new WasmRunner(prepared, env == null ? Map.of() : env, limits,
            hostServices, logLine);
      }
      default -> throw new IllegalStateException(type + " is not a function type");
    };
  }

  /**
   * Loads V8 and takes a small script through deploy, calls and undeploy, so that an agent
   * waiting in the warm pool has V8 started and its Java path compiled before a JavaScript
   * deploy arrives (loading V8 alone takes ~75 ms). A failure here shows up, if at all, in
   * the real deploy.
   */
  public static void warmJavaScript() {
    try (FunctionRunner runner = JavaScriptRunner.create("(subject, payload) => [subject, payload.length]"
        .getBytes(StandardCharsets.UTF_8), FunctionLimits.defaults(), new NoHostServices(), line -> { })) {
      // a few calls: more would cost every new agent CPU that a node refilling its pool feels
      for (int call = 0; call < 3; call++) {
        runner.invoke("warm", new byte[] {1});
      }
    } catch (FunctionException e) {
      // warming is an optimisation
    }
  }
}
