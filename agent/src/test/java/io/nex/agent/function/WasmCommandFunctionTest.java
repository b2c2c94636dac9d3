package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WASI command form: argv, env, stdin in, stdout out, exit code. */
class WasmCommandFunctionTest {
  private static final FunctionLimits SHORT = new FunctionLimits(Duration.ofMillis(500), 256, 12288);

  private final InMemoryHostServices hostServices = new InMemoryHostServices();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  private FunctionRunner module(String fixture, Map<String, String> env, FunctionLimits limits)
      throws FunctionException {
    return FunctionRunners.create("wasm", Fixtures.wasm(fixture), env, limits, hostServices, logs::add);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, 65536, 1 << 20})
  void echoesPayloadsOfEverySize(int size) throws Exception {
    byte[] payload = new byte[size];
    new Random(size).nextBytes(payload);
    try (FunctionRunner runner = module("echo.c", Map.of(), FunctionLimits.defaults())) {
      assertThat(runner.invoke("echo", payload)).isEqualTo(payload);
    }
  }

  @Test
  void seesTheSubjectAsArgv1AndTheWorkloadEnvironment() throws Exception {
    try (FunctionRunner runner = module("context.c", Map.of("GREETING", "hello from env"), FunctionLimits.defaults())) {
      assertThat(new String(runner.invoke("orders.created", new byte[0]), UTF_8))
          .isEqualTo("argc=2 argv0=nexfunction argv1=orders.created GREETING=hello from env");
    }
  }

  @Test
  void stderrLinesReachTheLog() throws Exception {
    try (FunctionRunner runner = module("context.c", Map.of(), FunctionLimits.defaults())) {
      runner.invoke("x", new byte[0]);
    }
    assertThat(logs).containsExactly("first stderr line", "second stderr line");
  }

  @Test
  void aNonZeroExitFailsTheInvocation() throws Exception {
    try (FunctionRunner runner = module("context.c", Map.of(), FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("x", "fail".getBytes(UTF_8)))
          .isInstanceOf(FunctionException.class)
          .hasMessage("function exited with code 3");
    }
  }

  @Test
  void aRunawayLoopStopsAtTheTimeoutAndTheNextCallRuns() throws Exception {
    try (FunctionRunner runner = module("context.c", Map.of(), SHORT)) {
      assertThatThrownBy(() -> runner.invoke("x", "loop".getBytes(UTF_8))).hasMessage("function timed out after 500 ms");
      assertThat(new String(runner.invoke("after", new byte[0]), UTF_8)).contains("argv1=after");
    }
  }

  @Test
  void aBareLoopBranchIsInterruptedToo() throws Exception {
    try (FunctionRunner runner = module("loop-command.wat", Map.of(), SHORT)) {
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function timed out after 500 ms");
      }
    }
  }

  @Test
  void hostServicesFromC() throws Exception {
    try (FunctionRunner runner = module("kv-command.c", Map.of(), FunctionLimits.defaults())) {
      assertThat(new String(runner.invoke("kv", "remember me".getBytes(UTF_8)), UTF_8)).isEqualTo("remember me");
    }
    assertThat(hostServices.calls).containsExactly("kvSet last=remember me", "kvGet last");
  }

  @Test
  void aDisabledServiceReturnsItsReasonToTheModule() throws Exception {
    hostServices.disable("kv is disabled on this node");
    try (FunctionRunner runner = module("kv-command.c", Map.of(), FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("kv", "x".getBytes(UTF_8))).hasMessage("function exited with code 1");
    }
    assertThat(logs).containsExactly("kv_set: status 2: kv is disabled on this node");
  }
}
