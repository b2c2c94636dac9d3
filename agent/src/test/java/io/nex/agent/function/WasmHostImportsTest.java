package io.nex.agent.function;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each nex import's arguments and result layout, through services-handler.wat. */
class WasmHostImportsTest {
  private final InMemoryHostServices hostServices = new InMemoryHostServices();
  private final List<String> logs = new CopyOnWriteArrayList<>();
  private FunctionRunner runner;

  @BeforeEach
  void deploy() throws FunctionException {
    runner = FunctionRunners.create("wasm", Fixtures.wasm("services-handler.wat"), Map.of(), FunctionLimits.defaults(),
        hostServices, logs::add);
  }

  @AfterEach
  void undeploy() {
    runner.close();
  }

  private byte[] call(String payload) throws FunctionException {
    return runner.invoke("services", payload.getBytes(UTF_8));
  }

  private static List<String> texts(byte[] framed) {
    return FramedList.decode(framed).stream().map(item -> new String(item, UTF_8)).toList();
  }

  @Test
  void listsComeBackFramed() throws Exception {
    hostServices.kv.put("a", new byte[0]);
    hostServices.kv.put("b", new byte[0]);
    assertThat(texts(call("k"))).containsExactly("a", "b");
    assertThat(texts(call("odata"))).containsExactly("doc");
    assertThat(texts(call("mhello"))).containsExactly("one", "two");
    assertThat(hostServices.calls).containsExactly("kvKeys", "objectPut doc=data", "objectList", "requestMany svc hello");
  }

  @Test
  void anAbsentKeyIsStatusOne() {
    assertThatThrownBy(() -> call("g")).hasMessage("function failed with status 1");
    assertThat(hostServices.calls).containsExactly("kvGet missing");
  }

  @Test
  void deletesAndGetsNameTheirTargets() throws Exception {
    hostServices.objects.put("doc", "stored".getBytes(UTF_8));
    assertThat(call("d")).isEmpty();
    assertThat(hostServices.calls).containsExactly("kvDelete k", "objectGet doc", "objectDelete doc");
  }

  @Test
  void messagingPassesSubjectAndPayload() throws Exception {
    assertThat(call("pevent body")).isEmpty();
    assertThat(new String(call("rping"), UTF_8)).isEqualTo("reply to ping");
    assertThat(hostServices.calls).containsExactly("publish events.x event body", "request svc ping");
  }

  @Test
  void httpTakesFramedHeadersAndAnswersStatusHeadersBody() throws Exception {
    ByteBuffer response = ByteBuffer.wrap(call("hposted")).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(response.getInt()).isEqualTo(201);
    byte[] headers = new byte[response.getInt()];
    response.get(headers);
    byte[] body = Arrays.copyOfRange(response.array(), response.position(), response.limit());
    assertThat(texts(headers)).containsExactly("content-type", "text/plain");
    assertThat(new String(body, UTF_8)).isEqualTo("fetched https://example.com");
    assertThat(hostServices.calls).containsExactly("http post https://example.com {accept=text/plain} posted");
  }

  @Test
  void logWritesALogLine() throws Exception {
    call("l");
    assertThat(logs).containsExactly("hello log");
  }

  @Test
  void aFailedCallPutsTheReasonInTheSlot() {
    hostServices.disable("messaging is disabled on this node");
    assertThatThrownBy(() -> call("rping")).hasMessage("function failed: messaging is disabled on this node");
  }
}
