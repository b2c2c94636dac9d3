package io.nex.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nex.api.control.PingResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
  @Test
  void wireNamesAreSnakeCaseAndErrorIsNullOnSuccess() throws Exception {
    PingResponse ping = new PingResponse("NABC", "nexus", "0.1.0", "8s", "XABC", Map.of("a", "b"), 2);
    String json = Json.writeString(Envelope.ok(ResponseTypes.PING, ping));
    assertThat(json).contains("\"type\":\"io.nats.nex.v1.ping_response\"")
        .contains("\"node_id\":\"NABC\"")
        .contains("\"target_xkey\":\"XABC\"")
        .contains("\"running_machines\":2")
        .contains("\"error\":null");
    Envelope back = Json.read(json.getBytes(), Envelope.class);
    assertThat(back.failed()).isFalse();
    assertThat(back.dataAs(PingResponse.class)).isEqualTo(ping);
  }

  @Test
  void failureHasEmptyDataAndAnError() throws Exception {
    String json = Json.writeString(Envelope.failure(ResponseTypes.RUN, "unknown workload type \"cobol\""));
    assertThat(json).isEqualTo("{\"type\":\"io.nats.nex.v1.run_response\",\"data\":\"\",\"error\":\"unknown workload type \\\"cobol\\\"\"}");
    assertThat(Json.read(json.getBytes(), Envelope.class).failed()).isTrue();
  }

  @Test
  void malformedJsonIsOneLineReason() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.read("{nope".getBytes(), Envelope.class))
        .isInstanceOf(Json.MalformedJsonException.class)
        .hasMessageStartingWith("malformed JSON for Envelope")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
