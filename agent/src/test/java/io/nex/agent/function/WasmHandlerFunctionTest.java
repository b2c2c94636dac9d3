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

/** The handler form: memory, alloc, handle(subject, payload, out) -> status. */
class WasmHandlerFunctionTest {
  private final InMemoryHostServices hostServices = new InMemoryHostServices();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  private FunctionRunner module(String fixture, FunctionLimits limits) throws FunctionException {
    return FunctionRunners.create("wasm", Fixtures.wasm(fixture), Map.of(), limits, hostServices, logs::add);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, 1 << 20})
  void echoesPayloadsOfEverySize(int size) throws Exception {
    byte[] payload = new byte[size];
    new Random(size).nextBytes(payload);
    try (FunctionRunner runner = module("echo-handler.wat", FunctionLimits.defaults())) {
      assertThat(runner.invoke("echo", payload)).isEqualTo(payload);
    }
  }

  @Test
  void seesTheTriggerSubject() throws Exception {
    try (FunctionRunner runner = module("subject-handler.wat", FunctionLimits.defaults())) {
      assertThat(text(runner.invoke("orders.eu.created", "ignored".getBytes(UTF_8)))).isEqualTo("orders.eu.created");
    }
  }

  @Test
  void kvRoundTripThroughHostImports() throws Exception {
    try (FunctionRunner runner = module("kv-handler.wat", FunctionLimits.defaults())) {
      assertThat(text(runner.invoke("kv", "hello".getBytes(UTF_8)))).isEqualTo("hello");
    }
    assertThat(hostServices.calls).containsExactly("kvSet greeting=hello", "kvGet greeting");
  }

  @Test
  void aDisabledServiceReasonReachesTheModule() throws Exception {
    hostServices.disable("kv is disabled on this node");
    try (FunctionRunner runner = module("kv-handler.wat", FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("kv", "hello".getBytes(UTF_8)))
          .isInstanceOf(FunctionException.class)
          .hasMessage("function failed: kv is disabled on this node");
    }
  }

  @Test
  void aFailureStatusCarriesTheModulesMessage() throws Exception {
    try (FunctionRunner runner = module("misbehave-handler.wat", FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("x", "f".getBytes(UTF_8))).hasMessage("function failed: no thanks");
    }
  }

  @Test
  void aTrapFailsTheInvocationAndTheNextCallRuns() throws Exception {
    try (FunctionRunner runner = module("misbehave-handler.wat", FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("x", "t".getBytes(UTF_8)))
          .hasMessageStartingWith("function trapped: ")
          .hasMessageContaining("unreachable");
      assertThat(text(runner.invoke("x", "after".getBytes(UTF_8)))).isEqualTo("after");
    }
  }

  @Test
  void endlessRecursionFailsTheInvocationAndTheNextCallRuns() throws Exception {
    try (FunctionRunner runner = module("misbehave-handler.wat", FunctionLimits.defaults())) {
      assertThatThrownBy(() -> runner.invoke("x", "r".getBytes(UTF_8))).hasMessageContaining("stack");
      assertThat(text(runner.invoke("x", "after".getBytes(UTF_8)))).isEqualTo("after");
    }
  }

  @Test
  void aRunawayLoopStopsAtTheTimeoutAndTheNextCallRuns() throws Exception {
    FunctionLimits limits = new FunctionLimits(Duration.ofMillis(300), 256, 12288);
    try (FunctionRunner runner = module("misbehave-handler.wat", limits)) {
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> runner.invoke("x", "loop".getBytes(UTF_8))).hasMessage("function timed out after 300 ms");
        assertThat(text(runner.invoke("x", "after".getBytes(UTF_8)))).isEqualTo("after");
      }
    }
  }

  @Test
  void memoryGrowthStopsAtTheLimitAndTheNextCallRuns() throws Exception {
    FunctionLimits limits = new FunctionLimits(Duration.ofSeconds(5), 16, 12288);
    try (FunctionRunner runner = module("misbehave-handler.wat", limits)) {
      assertThatThrownBy(() -> runner.invoke("x", "grow".getBytes(UTF_8)))
          .hasMessageStartingWith("function trapped: ")
          .hasMessageEndingWith("(linear memory 15 MiB of 16 MiB)");
      assertThat(text(runner.invoke("x", "after".getBytes(UTF_8)))).isEqualTo("after");
    }
  }

  @Test
  void invocationsMayOverlap() throws Exception {
    try (FunctionRunner runner = module("echo-handler.wat", FunctionLimits.defaults())) {
      List<String> replies = java.util.stream.IntStream.range(0, 16).parallel().mapToObj(i -> {
        try {
          return text(runner.invoke("x", ("call " + i).getBytes(UTF_8)));
        } catch (FunctionException e) {
          return e.getMessage();
        }
      }).toList();
      assertThat(replies).containsExactlyElementsOf(
          java.util.stream.IntStream.range(0, 16).mapToObj(i -> "call " + i).toList());
    }
  }
}
