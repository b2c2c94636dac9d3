package io.nex.api.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FunctionChangeTest {
  @Test
  void aChangeAndATriggerCallTellThemselvesApartOnTheSameSocket() {
    ByteBuffer add = new FunctionChange(3, FunctionChange.Kind.ADD, "{\"functionId\":\"f1\"}".getBytes(UTF_8)).encode();
    ByteBuffer remove = new FunctionChange(4, FunctionChange.Kind.REMOVE, "{}".getBytes(UTF_8)).encode();
    ByteBuffer call = new TriggerCall(5, "f1", "orders", null, "p".getBytes(UTF_8)).encode();

    assertThat(FunctionChange.isChange(add)).isTrue();
    assertThat(FunctionChange.isChange(remove)).isTrue();
    assertThat(FunctionChange.isChange(call)).isFalse();
    FunctionChange decoded = FunctionChange.decode(add);
    assertThat(decoded.id()).isEqualTo(3);
    assertThat(decoded.kind()).isEqualTo(FunctionChange.Kind.ADD);
    assertThat(new String(decoded.body(), UTF_8)).isEqualTo("{\"functionId\":\"f1\"}");
    assertThat(FunctionChange.decode(remove).kind()).isEqualTo(FunctionChange.Kind.REMOVE);
    assertThat(TriggerCall.decode(call).function()).isEqualTo("f1");
  }

  @Test
  void framesOfTheOtherKindOrOfNoKnownKindAreRefused() {
    assertThatThrownBy(() -> TriggerCall.decode(new FunctionChange(1, FunctionChange.Kind.ADD, new byte[0]).encode()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionChange.decode(new TriggerCall(1, "s", new byte[0]).encode()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionChange.decode(ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 1})))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
