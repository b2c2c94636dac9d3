package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What V8 gives that Rhino could not: Nex's own examples unchanged, modern JavaScript, modules, its limits. */
class V8FunctionTest {
  private static final Path NEX_EXAMPLES = Path.of("..", "examples", "nex-v8");
  private static final FunctionLimits SHORT = new FunctionLimits(Duration.ofMillis(500), 256, 12288);

  private final InMemoryHostServices hostServices = new InMemoryHostServices();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  private FunctionRunner v8(String source) throws FunctionException {
    return v8(source, FunctionLimits.defaults());
  }

  private FunctionRunner v8(String source, FunctionLimits limits) throws FunctionException {
    return FunctionRunners.create("v8", source.getBytes(UTF_8), Map.of(), limits, hostServices, logs::add);
  }

  private FunctionRunner nexExample(String file) throws Exception {
    return FunctionRunners.create("v8", Files.readAllBytes(NEX_EXAMPLES.resolve(file)), Map.of(),
        FunctionLimits.defaults(), hostServices, logs::add);
  }

  private static String invoke(FunctionRunner runner, String subject, String payload) throws FunctionException {
    return new String(runner.invoke(subject, payload.getBytes(UTF_8)), UTF_8);
  }

  @Test
  void nexsEchoFunctionRepliesExactlyAsInNex() throws Exception {
    try (FunctionRunner runner = nexExample("echofunction.js")) {
      assertThat(invoke(runner, "helloworld", "hello world"))
          .isEqualTo("{\"triggered_on\":\"helloworld\",\"payload\":\"hello world\"}");
    }
    assertThat(logs).containsExactly("helloworld");
  }

  @Test
  void nexsHostServicesExamplesRunUnchanged() throws Exception {
    try (FunctionRunner runner = nexExample("hostservices.js")) {
      assertThat(invoke(runner, "hs", "hi")).isEqualTo("[104,105]"); // Nex's kv.get: an array of byte values
    }
    try (FunctionRunner runner = nexExample("kv.js")) {
      assertThat(invoke(runner, "kv", "hello world")).isEqualTo("{\"keys\":[\"hello2\"],\"hello2\":\"hello world\"}");
    }
    try (FunctionRunner runner = nexExample("objectstore.js")) {
      assertThat(invoke(runner, "obj", "hi")).isEqualTo(
          "{\"list\":[{\"name\":\"hello2\",\"bucket\":\"hs_test_obj\",\"size\":2}],\"hello2\":[104,105]}");
    }
  }

  @Test
  void nexsBundlesAreModulesWhoseDefaultExportReturnsTheFunction() throws Exception {
    try (FunctionRunner runner = nexExample("index.js")) {
      assertThat(((JavaScriptRunner) runner).form()).isEqualTo(ScriptForm.MODULE);
      assertThat(invoke(runner, "bundle", "hi")).isEqualTo("{\"0\":104,\"1\":105}");
    }
    assertThat(logs).containsExactly("bundle");
    logs.clear();
    try (FunctionRunner runner = nexExample("hello-nex.js")) {
      assertThat(invoke(runner, "hello", "")).isEmpty();
    }
    assertThat(logs).containsExactly("hello world");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "(s, p) => String.fromCharCode(...p)                                          | \"abc\"",
      "(s, p) => ({ a: { b: null } }).a?.b?.c ?? 'none'                               | \"none\"",
      "class C { #n = 2; static twice(x) { return x * 2; } get n() { return this.#n; } }; (s, p) => C.twice(new C().n) | 4",
      "function* g() { yield 1; yield 2; }; (s, p) => [...g()]                       | [1,2]",
      "(s, p) => (2n ** 64n).toString()                                             | \"18446744073709551616\"",
      "(s, p) => { const { a, ...rest } = { a: 1, b: 2, c: 3 }; return rest; }       | {\"b\":2,\"c\":3}",
      "(s, p) => [1, [2, [3]]].flat(Infinity).at(-1)                                 | 3",
      "(s, p) => Object.groupBy([1, 2, 3], (n) => n % 2 ? 'odd' : 'even')          | {\"odd\":[1,3],\"even\":[2]}",
      "(s, p) => new Float64Array([1.5]).length + new DataView(new ArrayBuffer(2)).byteLength | 3",
      "(s, p) => 'a-b-c'.replaceAll('-', '+')                                        | \"a+b+c\"",
      "(s, p) => new TextDecoder().decode(new TextEncoder().encode('h\u00e9llo \u20ac \ud83d\ude00')) | \"h\u00e9llo \u20ac \ud83d\ude00\""})
  void modernJavaScriptRuns(String source, String reply) throws Exception {
    try (FunctionRunner runner = v8(source)) {
      assertThat(invoke(runner, "modern", "abc")).isEqualTo(reply);
    }
  }

  @Test
  void anAsyncFunctionRepliesWithWhatItsPromiseSettlesTo() throws Exception {
    String source = """
        const pause = () => new Promise((resolve) => resolve());
        async (subject, payload) => {
          hostServices.kv.set('count', '41');
          await pause();
          const stored = await hostServices.kv.get('count');
          return { subject, count: Number(new TextDecoder().decode(stored)) + 1 };
        }
        """;
    try (FunctionRunner runner = v8(source)) {
      assertThat(invoke(runner, "async.call", "")).isEqualTo("{\"subject\":\"async.call\",\"count\":42}");
    }
  }

  @Test
  void aRejectedOrNeverSettledPromiseFailsTheCall() throws Exception {
    try (FunctionRunner runner = v8("async (s, p) => { if (s === 'ok') return 'fine'; throw new Error('async boom'); }")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function threw Error: async boom (in a Promise)");
      assertThat(invoke(runner, "ok", "")).isEqualTo("\"fine\"");
    }
    try (FunctionRunner runner = v8("(s, p) => new Promise(() => {})")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0]))
          .hasMessage("the function's Promise never settled (nothing is left that could settle it)");
    }
  }

  @Test
  void aModuleWithADefaultExportIsInstantiatedAfreshForEachCall() throws Exception {
    String source = """
        let calls = 0;
        const greeting = await Promise.resolve('hi');
        export const unused = 1;
        export default function (subject, payload) { calls++; return { greeting, calls, subject, self: typeof this }; }
        """;
    try (FunctionRunner runner = v8(source)) {
      assertThat(((JavaScriptRunner) runner).form()).isEqualTo(ScriptForm.MODULE);
      for (int call = 0; call < 3; call++) {
        assertThat(invoke(runner, "m", "")).isEqualTo("{\"greeting\":\"hi\",\"calls\":1,\"subject\":\"m\",\"self\":\"undefined\"}");
      }
    }
  }

  @Test
  void aModuleCannotWriteGlobals() throws Exception {
    try (FunctionRunner runner = v8("export default (s, p) => { try { globalThis.kept = 1; } catch (e) { return e.constructor.name; } }")) {
      assertThat(invoke(runner, "m", "")).isEqualTo("\"TypeError\"");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "import fs from 'fs'; export default (s, p) => 1",
      "import { x } from './other.js'; export default (s, p) => x"})
  void aModuleWithImportsIsRefusedAtDeploy(String source) {
    assertThatThrownBy(() -> v8(source)).isInstanceOf(FunctionException.class).hasMessageContaining("import");
  }

  @Test
  void aModuleWhoseDefaultExportIsNoFunctionFailsEachCall() throws Exception {
    try (FunctionRunner runner = v8("export default 42")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0]))
          .hasMessage("the module's default export must be a function; it is number");
    }
  }

  @Test
  void aScriptRunningOutOfHeapFailsItsCallAndTheNextRuns() throws Exception {
    String source = "(s, p) => { if (s === 'ok') return 'fine'; const kept = []; while (true) kept.push(new Array(100000).fill(s)); }";
    try (FunctionRunner runner = v8(source)) {
      for (int attempt = 0; attempt < 3; attempt++) {
        assertThatThrownBy(() -> runner.invoke("hog", new byte[0]))
            .hasMessage("function ran out of memory (V8 heap cap " + V8Engine.HEAP_MIB + " MiB)");
        assertThat(invoke(runner, "ok", "")).isEqualTo("\"fine\"");
      }
    }
  }

  @Test
  void aStuckCallIsStoppedWhileTheFunctionsOtherCallsGoOn() throws Exception {
    try (FunctionRunner runner = v8("(s, p) => { if (s === 'spin') { for (;;) {} } return s; }", SHORT)) {
      var stuck = runner.start("spin", new byte[0]);
      for (int i = 0; i < 20; i++) {
        assertThat(invoke(runner, "call" + i, "")).isEqualTo("\"call" + i + "\"");
      }
      assertThatThrownBy(() -> Invocations.await(stuck)).hasMessage("function timed out after 500 ms");
    }
  }

  @Test
  void anErrorNamesTheLineInTheUsersScript() throws Exception {
    try (FunctionRunner runner = v8("(s, p) => {\n  const x = 1;\n  throw new RangeError('third line');\n}")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function threw RangeError: third line (line 3)");
    }
  }

  @Test
  void v8IsLoadedFromOneCopyNeverFromACopyPerProcess() throws Exception {
    try (FunctionRunner runner = v8("(s, p) => 1")) {
      assertThat(invoke(runner, "x", "")).isEqualTo("1");
    }
    long pid = ProcessHandle.current().pid();
    assertThat(Path.of(System.getProperty("java.io.tmpdir"), "javet", Long.toString(pid))).doesNotExist();
    assertThat(Files.readString(Path.of("/proc/self/maps"))).contains(V8Library.fileName())
        .doesNotContain("/javet/" + pid + "/");
  }

  @Test
  void undeployStopsACallInFlight() throws Exception {
    FunctionRunner runner = v8("(s, p) => { for (;;) {} }");
    var running = runner.start("spin", new byte[0]);
    Thread.sleep(200);
    long started = System.nanoTime();
    runner.close();
    assertThatThrownBy(() -> Invocations.await(running)).hasMessage("function is undeployed");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function is undeployed");
  }
}
