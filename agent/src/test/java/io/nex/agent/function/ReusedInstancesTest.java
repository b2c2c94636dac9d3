package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Instances kept between calls must start every call in the state a new instance has. */
class ReusedInstancesTest {
  private final InMemoryHostServices hostServices = new InMemoryHostServices();

  private FunctionRunner stateful() throws FunctionException {
    return FunctionRunners.create("wasm", Fixtures.wasm("stateful-handler.wat"), Map.of(), FunctionLimits.defaults(),
        hostServices, line -> { });
  }

  @Test
  void everyCallStartsFromAFreshStateOneAfterAnother() throws Exception {
    try (FunctionRunner runner = stateful()) {
      for (int i = 0; i < 50; i++) {
        assertThat(new String(runner.invoke("s", "x".getBytes(UTF_8)), UTF_8)).isEqualTo("11");
      }
    }
  }

  @Test
  void everyCallStartsFromAFreshStateWhenManyRunAtOnce() throws Exception {
    try (FunctionRunner runner = stateful()) {
      List<CompletableFuture<byte[]>> calls = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        calls.add(runner.start("s", ("x" + i).getBytes(UTF_8)));
      }
      for (CompletableFuture<byte[]> call : calls) {
        assertThat(new String(call.get(), UTF_8)).isEqualTo("11");
      }
    }
  }

  /** Only the chunks a call wrote are copied back: stores over a chunk's edge, fills and copies count too. */
  @Test
  void everyWriteOfACallIsUndoneBeforeTheNext() throws Exception {
    try (FunctionRunner runner = FunctionRunners.create("wasm", Fixtures.wasm("written-memory-handler.wat"), Map.of(),
        FunctionLimits.defaults(), hostServices, line -> { })) {
      for (int i = 0; i < 20; i++) {
        assertThat(new String(runner.invoke("s", "x".getBytes(UTF_8)), UTF_8)).isEqualTo("0");
      }
      List<CompletableFuture<byte[]>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(runner.start("s", "x".getBytes(UTF_8)));
      }
      for (CompletableFuture<byte[]> call : calls) {
        assertThat(new String(call.get(), UTF_8)).isEqualTo("0");
      }
    }
  }

  @Test
  void anInstanceWhoseMemoryGrewOrWhoseCallFailedIsNotUsedAgain() throws Exception {
    try (FunctionRunner runner = stateful()) {
      assertThat(new String(runner.invoke("s", "grow".getBytes(UTF_8)), UTF_8)).isEqualTo("11");
      assertThat(new String(runner.invoke("s", "x".getBytes(UTF_8)), UTF_8)).isEqualTo("11");
    }
    try (FunctionRunner misbehaving = FunctionRunners.create("wasm", Fixtures.wasm("misbehave-handler.wat"), Map.of(),
        FunctionLimits.defaults(), hostServices, line -> { })) {
      for (String failing : List.of("t", "f", "t")) {
        assertThatThrownBy(() -> misbehaving.invoke("s", failing.getBytes(UTF_8))).isInstanceOf(FunctionException.class);
        assertThat(new String(misbehaving.invoke("s", "hello".getBytes(UTF_8)), UTF_8)).isEqualTo("hello");
      }
    }
  }

  @Test
  void onlyModulesWhoseWholeStateCanBePutBackQualify() throws Exception {
    assertThat(ReusedInstances.of(PreparedModule.prepare(Fixtures.wasm("stateful-handler.wat"), 64), () -> null))
        .isPresent();
    assertThat(ReusedInstances.of(PreparedModule.prepare(Fixtures.wasm(Fixtures.EXAMPLES.resolve("echo.wat")), 64),
        () -> null)).isPresent();
    assertThat(ReusedInstances.of(PreparedModule.prepare(Fixtures.wasm("written-memory-handler.wat"), 64), () -> null))
        .isPresent();
    assertThat(ReusedInstances.of(PreparedModule.prepare(Fixtures.wasm("loop-command.wat"), 64), () -> null)).isEmpty();
  }
}
