package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One compiled artifact, many functions (what a function host keeps per hash): each function
 * started from it fails on its own, and closing one leaves the others running.
 */
class CompiledFunctionTest {
  private static final FunctionLimits LIMITS = new FunctionLimits(Duration.ofSeconds(2), 24, 12288);

  @Test
  void functionsOfOneCompiledModuleKeepTheirStateAndTheirFailuresApart() throws Exception {
    CompiledFunction compiled = FunctionRunners.compile("wasm", Fixtures.wasm("misbehave-handler.wat"), LIMITS);
    try (FunctionRunner troubled = compiled.start(Map.of(), new NoHostServices(), line -> { });
        FunctionRunner calm = compiled.start(Map.of(), new NoHostServices(), line -> { })) {
      assertThatThrownBy(() -> troubled.invoke("x", "t".getBytes(UTF_8))).hasMessageContaining("unreachable");
      assertThat(calm.invoke("x", "hello".getBytes(UTF_8))).asString(UTF_8).isEqualTo("hello");

      troubled.close();

      assertThatThrownBy(() -> troubled.invoke("x", "hello".getBytes(UTF_8))).hasMessage("function is undeployed");
      assertThat(calm.invoke("x", "still".getBytes(UTF_8))).asString(UTF_8).isEqualTo("still");
    }
  }

  @Test
  void aBadArtifactIsRefusedAtCompileAsADeployWouldBe() {
    assertThatThrownBy(() -> FunctionRunners.compile("wasm", "not wasm".getBytes(UTF_8), LIMITS))
        .isInstanceOf(FunctionException.class).hasMessageContaining("not a WebAssembly module");
    assertThatThrownBy(() -> FunctionRunners.compile("javascript", new byte[20000], LIMITS))
        .hasMessage("script is 20000 bytes; the limit is 12288 bytes");
    assertThatThrownBy(() -> FunctionRunners.compile("native", new byte[1], LIMITS))
        .hasMessageContaining("is not a function type");
  }
}
