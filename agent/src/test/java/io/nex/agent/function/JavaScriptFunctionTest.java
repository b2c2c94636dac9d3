package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JavaScriptFunctionTest {
  private static final FunctionLimits SHORT = new FunctionLimits(Duration.ofMillis(500), 256, 12288);

  private final InMemoryHostServices hostServices = new InMemoryHostServices();
  private final List<String> logs = new CopyOnWriteArrayList<>();

  private FunctionRunner script(String source) throws FunctionException {
    return script(source, FunctionLimits.defaults());
  }

  private FunctionRunner script(String source, FunctionLimits limits) throws FunctionException {
    return FunctionRunners.create("javascript", source.getBytes(UTF_8), Map.of(), limits, hostServices, logs::add);
  }

  private static String invoke(FunctionRunner runner, String subject, String payload) throws FunctionException {
    return new String(runner.invoke(subject, payload.getBytes(UTF_8)), UTF_8);
  }

  @Test
  void echoesThePayloadAsAJsonString() throws Exception {
    try (FunctionRunner runner = script("(subject, payload) => new TextDecoder().decode(payload)")) {
      assertThat(invoke(runner, "echo", "hello")).isEqualTo("\"hello\"");
      assertThat(invoke(runner, "echo", "")).isEqualTo("\"\"");
    }
  }

  @Test
  void payloadIsAUint8ArrayOfTheBytes() throws Exception {
    try (FunctionRunner runner = script(
        "(s, p) => [Object.prototype.toString.call(p), p.length, p[0], p[p.length - 1]]")) {
      byte[] payload = {(byte) 0xff, 0, 7};
      assertThat(new String(runner.invoke("bytes", payload), UTF_8)).isEqualTo("[\"[object Uint8Array]\",3,255,7]");
    }
  }

  @Test
  void seesTheTriggerSubject() throws Exception {
    try (FunctionRunner runner = script("(subject, payload) => subject")) {
      assertThat(invoke(runner, "orders.eu.created", "")).isEqualTo("\"orders.eu.created\"");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "\"heya\"                        | \"heya\"",
      "({a: 1, b: [true, null]})       | {\"a\":1,\"b\":[true,null]}",
      "42                              | 42",
      "null                            | null",
      "undefined                       | ''",
      "(function () {})                | ''",
      "new TextEncoder().encode('hi')  | {\"0\":104,\"1\":105}"})
  void returnValueIsJsonEncodedAsNex(String expression, String reply) throws Exception {
    try (FunctionRunner runner = script("(subject, payload) => " + expression)) {
      assertThat(invoke(runner, "json", "")).isEqualTo(reply);
    }
  }

  @Test
  void everyInvocationStartsFromAFreshScope() throws Exception {
    String source = """
        var calls = (typeof calls === 'undefined') ? 1 : calls + 1;
        globalThis.mine = (globalThis.mine || 0) + 1;
        undeclared = (typeof undeclared === 'undefined') ? 1 : undeclared + 1;
        (subject, payload) => [calls, mine, undeclared, globalThis === this]
        """;
    try (FunctionRunner runner = script(source)) {
      assertThat(invoke(runner, "a", "")).isEqualTo("[1,1,1,true]");
      assertThat(invoke(runner, "a", "")).isEqualTo("[1,1,1,true]");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Array.prototype.leaked = 1",
      "Object.prototype.toString = () => 'mine'",
      "JSON.stringify = () => 'mine'",
      "Math.leaked = 1",
      "RegExp.prototype.leaked = 1",
      "Uint8Array.prototype.leaked = 1",
      "globalThis.__proto__.leaked = 1",
      "hostServices.kv.get = () => 'mine'",
      "TextDecoder.prototype.decode = () => 'mine'",
      "console.log = () => 'mine'",
      "delete Array.prototype.map"})
  void builtInsAreSharedByCallsSoTheyCannotBeChanged(String change) throws Exception {
    String source = """
        try { %s; } catch (e) { /* strict code and some setters throw; sloppy assignments just fail */ }
        (subject, payload) => [[].leaked === undefined, typeof [].map, JSON.stringify({}),
            Object.prototype.toString.call([]), Math.leaked === undefined, typeof hostServices.kv.get,
            typeof console.log, new TextDecoder().decode(new Uint8Array([104]))]
        """.formatted(change);
    try (FunctionRunner runner = script(source)) {
      for (int call = 0; call < 2; call++) {
        assertThat(invoke(runner, "a", ""))
            .isEqualTo("[true,\"function\",\"{}\",\"[object Array]\",true,\"function\",\"function\",\"h\"]");
      }
    }
  }

  @Test
  void callsRunAtOnceWithoutSeeingEachOther() throws Exception {
    String source = """
        var mine = [];
        (subject, payload) => { for (let i = 0; i < 1000; i++) { mine.push(subject); }
                                return mine.every(s => s === subject) && mine.length === 1000; }
        """;
    try (FunctionRunner runner = script(source)) {
      List<java.util.concurrent.CompletableFuture<byte[]>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 32; i++) {
        runs.add(runner.start("call" + i, new byte[0]));
      }
      for (var run : runs) {
        assertThat(new String(run.get(), UTF_8)).isEqualTo("true");
      }
    }
  }

  @Test
  void consoleLinesReachTheLog() throws Exception {
    try (FunctionRunner runner = script(
        "(subject, payload) => { console.log('got', subject, {n: 1}); console.error('two\\nlines'); }")) {
      runner.invoke("logged", new byte[0]);
    }
    assertThat(logs).containsExactly("got logged {\"n\":1}", "two", "lines");
  }

  @Test
  void kvRoundTripThroughHostServices() throws Exception {
    String source = """
        (subject, payload) => {
          hostServices.kv.set('greeting', payload);
          const back = hostServices.kv.get('greeting');
          return { value: new TextDecoder().decode(back), keys: hostServices.kv.keys(),
                   missing: hostServices.kv.get('nope') };
        }
        """;
    try (FunctionRunner runner = script(source)) {
      assertThat(invoke(runner, "kv", "hello")).isEqualTo("{\"value\":\"hello\",\"keys\":[\"greeting\"],\"missing\":null}");
    }
    assertThat(hostServices.calls).containsExactly("kvSet greeting=hello", "kvGet greeting", "kvKeys", "kvGet nope");
  }

  @Test
  void everyHostServiceGetsItsArguments() throws Exception {
    String source = """
        (subject, payload) => {
          const text = (bytes) => new TextDecoder().decode(bytes);
          hostServices.kv.set('k', 'v');
          hostServices.kv.delete('k');
          hostServices.objectStore.put('o', new TextEncoder().encode('data'));
          const object = text(hostServices.objectStore.get('o'));
          const names = hostServices.objectStore.list().map((info) => info.name);
          hostServices.objectStore.delete('o');
          hostServices.messaging.publish('events.x', {n: 1});
          const reply = text(hostServices.messaging.request('svc.echo', 'ping'));
          const many = hostServices.messaging.requestMany('svc.all', 'hi').map(text);
          const got = hostServices.http.get('https://example.com/a', {accept: 'text/plain'});
          const posted = hostServices.http.post('https://example.com/b', 'body');
          hostServices.http.put('https://example.com/c', 'p');
          hostServices.http.patch('https://example.com/d', 'q');
          hostServices.http.delete('https://example.com/e');
          hostServices.http.head('https://example.com/f');
          return [object, names, reply, many, got.status, got.headers['content-type'], got.response,
                  posted.response];
        }
        """;
    try (FunctionRunner runner = script(source)) {
      assertThat(invoke(runner, "all", "")).isEqualTo("[\"data\",[\"o\"],\"reply to ping\",[\"one\",\"two\"],201,"
          + "\"text/plain\",\"fetched https://example.com/a\",\"fetched https://example.com/b\"]");
    }
    assertThat(hostServices.calls).containsExactly(
        "kvSet k=v", "kvDelete k",
        "objectPut o=data", "objectGet o", "objectList", "objectDelete o",
        "publish events.x {\"n\":1}", "request svc.echo ping", "requestMany svc.all hi",
        "http get https://example.com/a {accept=text/plain} ", "http post https://example.com/b {} body",
        "http put https://example.com/c {} p", "http patch https://example.com/d {} q",
        "http delete https://example.com/e {} ", "http head https://example.com/f {} ");
  }

  @Test
  void aDisabledServiceThrowsAnErrorTheScriptCanCatch() throws Exception {
    hostServices.disable("kv is disabled on this node");
    String source = """
        (subject, payload) => {
          try { hostServices.kv.get('k'); return 'no error'; }
          catch (e) { return [e instanceof Error, e.message]; }
        }
        """;
    try (FunctionRunner runner = script(source)) {
      assertThat(invoke(runner, "kv", "")).isEqualTo("[true,\"kv.get: kv is disabled on this node\"]");
    }
  }

  @Test
  void anUncaughtHostServiceErrorFailsTheInvocation() throws Exception {
    hostServices.disable("kv is disabled on this node");
    try (FunctionRunner runner = script("(subject, payload) => hostServices.kv.set('k', payload)")) {
      assertThatThrownBy(() -> runner.invoke("kv", new byte[0]))
          .isInstanceOf(FunctionException.class)
          .hasMessage("function threw Error: kv.set: kv is disabled on this node (line 1)");
    }
  }

  @Test
  void aThrownErrorFailsTheInvocationWithItsMessage() throws Exception {
    try (FunctionRunner runner = script("(subject, payload) => { throw new Error('boom'); }")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0])).hasMessage("function threw Error: boom (line 1)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "(s, p) => { while (true) {} }",
      "(s, p) => { try { while (true) {} } catch (e) { return 'caught'; } }",
      "(s, p) => { try { while (true) {} } finally { return 'escaped'; } }",
      "(s, p) => /(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')"})
  void runawayScriptsStopAtTheTimeoutAndTheNextCallRuns(String body) throws Exception {
    String source = "(subject, payload) => subject === 'ok' ? 'fine' : (" + body + ")(subject, payload)";
    try (FunctionRunner runner = script(source, SHORT)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> runner.invoke("spin", new byte[0])).hasMessage("function timed out after 500 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      assertThat(invoke(runner, "ok", "")).isEqualTo("\"fine\"");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "java.lang.System.exit(1)",
      "Packages.java.io.File('/etc/passwd')",
      "new JavaImporter(java.io)",
      "this.getClass()",
      "payload.getClass().getClassLoader()",
      "hostServices.kv.get.getClass()",
      "load('/etc/passwd')",
      "readFile('/etc/passwd')",
      "importPackage(java.io)",
      "Java.type('java.lang.Runtime')",
      "(function(){ return this; })().java.lang.Runtime"})
  void cannotReachJavaOrFiles(String attempt) throws Exception {
    try (FunctionRunner runner = script("(subject, payload) => " + attempt)) {
      assertThatThrownBy(() -> runner.invoke("escape", new byte[0]))
          .isInstanceOf(FunctionException.class)
          .hasMessageStartingWith("function threw ")
          .hasMessageMatching(".*(ReferenceError|TypeError).*");
    }
  }

  @Test
  void caughtErrorsCarryNoJavaObjects() throws Exception {
    hostServices.disable("kv is disabled on this node");
    String source = "(s, p) => { try { hostServices.kv.get('k'); } "
        + "catch (e) { return [typeof e.rhinoException, typeof e.javaException]; } }";
    try (FunctionRunner runner = script(source)) {
      assertThat(invoke(runner, "x", "")).isEqualTo("[\"undefined\",\"undefined\"]");
    }
  }

  @Test
  void endlessRecursionFailsTheInvocationAndTheNextCallRuns() throws Exception {
    try (FunctionRunner runner = script("(s, p) => { const f = (n) => f(n + 1) + 1; return s === 'ok' ? 'fine' : f(0); }")) {
      assertThatThrownBy(() -> runner.invoke("deep", new byte[0])).isInstanceOf(FunctionException.class);
      assertThat(invoke(runner, "ok", "")).isEqualTo("\"fine\"");
    }
  }

  @Test
  void globalsOfferNoWayOut() throws Exception {
    try (FunctionRunner runner = script(
        "(s, p) => ['Packages', 'java', 'javax', 'JavaImporter', 'load', 'readFile', 'print', 'importClass', 'Java',"
            + " 'require', 'process', 'module', 'Deno', 'Bun', 'javet', 'fetch', 'XMLHttpRequest', 'setTimeout', 'quit']"
            + ".filter(name => typeof this[name] !== 'undefined' || typeof globalThis[name] !== 'undefined')")) {
      assertThat(invoke(runner, "globals", "")).isEqualTo("[]");
    }
  }

  @Test
  void aSyntaxErrorIsRefusedAtCreate() {
    assertThatThrownBy(() -> script("(subject, payload) => {\n  return 'unclosed;\n}"))
        .isInstanceOf(FunctionException.class)
        .hasMessageStartingWith("script syntax error at line 2: ");
  }

  @Test
  void aScriptOverTheSizeLimitIsRefusedAtCreate() {
    String big = "(s, p) => '" + "x".repeat(12288) + "'";
    assertThatThrownBy(() -> script(big))
        .hasMessage("script is " + big.length() + " bytes; the limit is 12288 bytes");
  }

  @Test
  void aScriptThatIsNotAFunctionFailsEachCall() throws Exception {
    try (FunctionRunner runner = script("42")) {
      assertThatThrownBy(() -> runner.invoke("x", new byte[0]))
          .hasMessage("the script must evaluate to a function (subject, payload); it evaluated to number");
    }
  }

  @Test
  void v8IsTheSameRuntime() throws Exception {
    try (FunctionRunner runner = FunctionRunners.create("v8", "(s, p) => 'v8'".getBytes(UTF_8), Map.of(),
        FunctionLimits.defaults(), hostServices, logs::add)) {
      assertThat(invoke(runner, "x", "")).isEqualTo("\"v8\"");
    }
  }
}
