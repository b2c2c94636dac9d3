package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One compiled artifact, many functions (what a function host keeps per hash): each function
 * started from it fails on its own, and closing one leaves the others running; a JavaScript one
 * that takes the host's spare isolate has it to itself.
 */
class CompiledFunctionTest {
  private static final FunctionLimits LIMITS = new FunctionLimits(Duration.ofSeconds(2), 24, 12288);

  @Test
  void functionsOfOneCompiledModuleKeepTheirStateAndTheirFailuresApart() throws Exception {
    CompiledFunction compiled = FunctionRunners.compile("wasm", Fixtures.wasm("misbehave-handler.wat"), LIMITS, new SpareIsolate());
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
  void aSpareIsolateBecomesTheIsolateOfTheFunctionThatTakesIt() throws Exception {
    String script = "(subject, payload) => { console.log('for ' + subject); hostServices.kv.set('k', payload);"
        + " return subject; }";
    try (SpareIsolate spare = new SpareIsolate()) {
      CompiledFunction compiled = FunctionRunners.compile("javascript", script.getBytes(UTF_8), LIMITS, spare);
      InMemoryHostServices firstServices = new InMemoryHostServices();
      List<String> firstLog = new CopyOnWriteArrayList<>();
      try (FunctionRunner first = compiled.start(Map.of(), firstServices, firstLog::add)) {
        assertThat(spare.holdsOne()).isFalse(); // the first was set up on the spot
        spare.refill();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!spare.holdsOne() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(spare.holdsOne()).isTrue();

        InMemoryHostServices secondServices = new InMemoryHostServices();
        List<String> secondLog = new CopyOnWriteArrayList<>();
        try (FunctionRunner second = compiled.start(Map.of(), secondServices, secondLog::add)) {
          assertThat(spare.holdsOne()).isFalse();
          assertThat(second.invoke("b", "two".getBytes(UTF_8))).asString(UTF_8).isEqualTo("\"b\"");
          assertThat(first.invoke("a", "one".getBytes(UTF_8))).asString(UTF_8).isEqualTo("\"a\"");

          assertThat(secondLog).containsExactly("for b");
          assertThat(secondServices.calls).containsExactly("kvSet k=two");
          assertThat(firstLog).containsExactly("for a");
          assertThat(firstServices.calls).containsExactly("kvSet k=one");
        }
      }
    }
  }

  @Test
  void aBadArtifactIsRefusedAtCompileAsADeployWouldBe() {
    assertThatThrownBy(() -> FunctionRunners.compile("wasm", "not wasm".getBytes(UTF_8), LIMITS, new SpareIsolate()))
        .isInstanceOf(FunctionException.class).hasMessageContaining("not a WebAssembly module");
    assertThatThrownBy(() -> FunctionRunners.compile("javascript", new byte[20000], LIMITS, new SpareIsolate()))
        .hasMessage("script is 20000 bytes; the limit is 12288 bytes");
    assertThatThrownBy(() -> FunctionRunners.compile("native", new byte[1], LIMITS, new SpareIsolate()))
        .hasMessageContaining("is not a function type");
  }
}
