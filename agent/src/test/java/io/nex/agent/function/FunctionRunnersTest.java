package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionRunnersTest {
  private static FunctionRunner create(String type, byte[] artifact) throws FunctionException {
    return FunctionRunners.create(type, artifact, Map.of(), FunctionLimits.defaults(), new InMemoryHostServices(),
        line -> {});
  }

  @ParameterizedTest
  @ValueSource(strings = {"native", "jar", "python", ""})
  void refusesTypesThatAreNotFunctions(String type) {
    assertThatThrownBy(() -> create(type, new byte[0]))
        .isInstanceOf(FunctionException.class)
        .hasMessage("\"" + type + "\" is not a function type; use wasm or javascript");
  }

  @Test
  void aClosedRunnerRefusesInvocations() throws Exception {
    FunctionRunner runner = create("javascript", "(s, p) => 1".getBytes(UTF_8));
    runner.close();
    assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function is undeployed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wasm", "javascript"})
  void closingStopsAnInvocationInFlight(String type) throws Exception {
    byte[] artifact = type.equals("wasm") ? Fixtures.wasm("loop-command.wat") : "(s, p) => { for (;;) {} }".getBytes(UTF_8);
    FunctionRunner runner = FunctionRunners.create(type, artifact, Map.of(),
        new FunctionLimits(Duration.ofSeconds(30), 16, 12288), new InMemoryHostServices(), line -> {});
    Thread closer = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      runner.close();
    });
    closer.start();
    long started = System.nanoTime();
    assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function is undeployed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    closer.join();
  }

  @Test
  void defaultsAreNexs() {
    assertThat(FunctionLimits.defaults()).isEqualTo(new FunctionLimits(Duration.ofSeconds(5), 256, 12288));
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new FunctionLimits(Duration.ZERO, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FunctionLimits(Duration.ofSeconds(1), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FunctionLimits(Duration.ofSeconds(1), 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
