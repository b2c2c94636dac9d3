package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a wasm function is refused for at deploy time, before any trigger. */
class WasmDeployChecksTest {
  private static void create(byte[] artifact) throws FunctionException {
    FunctionRunners.create("wasm", artifact, Map.of(), FunctionLimits.defaults(), new InMemoryHostServices(), line -> {});
  }

  @Test
  void garbageIsNotAModule() {
    assertThatThrownBy(() -> create("#!/bin/sh\necho not wasm\n".getBytes(UTF_8)))
        .isInstanceOf(FunctionException.class)
        .hasMessageStartingWith("not a WebAssembly module: ");
  }

  @Test
  void nothingIsNotAModule() {
    assertThatThrownBy(() -> create(new byte[0])).hasMessageStartingWith("not a WebAssembly module: ");
  }

  @Test
  void aTruncatedModuleIsNotAModule() {
    byte[] echo = Fixtures.wasm("echo.c");
    assertThatThrownBy(() -> create(java.util.Arrays.copyOf(echo, echo.length / 2)))
        .hasMessageStartingWith("not a WebAssembly module: ");
  }

  @Test
  void aModuleWithoutStartOrHandleIsRefused() {
    assertThatThrownBy(() -> create(Fixtures.wasm("no-entry.wat")))
        .hasMessageStartingWith("missing export: _start or handle");
  }

  @Test
  void anImportTheHostDoesNotOfferIsRefused() {
    assertThatThrownBy(() -> create(Fixtures.wasm("foreign-import.wat")))
        .hasMessageStartingWith("unsupported import: env.secret (function)");
  }

  @Test
  void aModuleNeedingMoreMemoryThanTheLimitIsRefused() {
    assertThatThrownBy(() -> create(Fixtures.wasm("big-memory.wat")))
        .hasMessage("the module needs 512 MiB of memory to start; the limit is 256 MiB");
  }
}
