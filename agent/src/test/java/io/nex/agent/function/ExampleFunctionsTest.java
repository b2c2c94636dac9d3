package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The examples users copy from examples/functions do what their README says. */
class ExampleFunctionsTest {
  @ParameterizedTest
  @CsvSource({
      "echo.js,  javascript, '\"hello\"', echo on fn.echo: 5 bytes",
      "echo.c,   wasm,       hello,       echo on fn.echo",
      "echo.wat, wasm,       hello,       ''"})
  void echoes(String file, String type, String reply, String logLine) throws Exception {
    byte[] artifact = type.equals("javascript")
        ? Fixtures.text(Fixtures.EXAMPLES.resolve(file))
        : Fixtures.wasm(Fixtures.EXAMPLES.resolve(file));
    List<String> logs = new CopyOnWriteArrayList<>();
    try (FunctionRunner runner = FunctionRunners.create(type, artifact, Map.of(), FunctionLimits.defaults(),
        new InMemoryHostServices(), logs::add)) {
      assertThat(new String(runner.invoke("fn.echo", "hello".getBytes(UTF_8)), UTF_8)).isEqualTo(reply);
      byte[] big = "x".repeat(300_000).getBytes(UTF_8);
      assertThat(runner.invoke("fn.echo", big).length).isEqualTo(type.equals("javascript") ? 300_002 : 300_000);
    }
    if (!logLine.isEmpty()) {
      assertThat(logs).first().isEqualTo(logLine);
    }
  }
}
