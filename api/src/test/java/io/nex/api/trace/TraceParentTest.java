package io.nex.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TraceParentTest {
  @Test
  void readsWhatItWritesAndTheW3cExample() {
    TraceParent example = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(example).isEqualTo(new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true));
    assertThat(example.header()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    TraceParent made = TraceParent.newTrace();
    assertThat(TraceParent.parse(made.header())).isEqualTo(made);
    assertThat(made.traceId()).matches("[0-9a-f]{32}");
    TraceParent child = made.child();
    assertThat(child.traceId()).isEqualTo(made.traceId());
    assertThat(child.spanId()).matches("[0-9a-f]{16}").isNotEqualTo(made.spanId());
  }

  @Test
  void aLaterVersionWithMoreFieldsIsReadAndTheSampledFlagKept() {
    assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra").sampled()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
  void anInvalidContextIsIgnored(String header) {
    assertThat(TraceParent.parse(header)).isNull();
  }
}
