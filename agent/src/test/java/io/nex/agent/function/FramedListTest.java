package io.nex.agent.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FramedListTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void roundTripsAnyItems(long seed) {
    Random random = new Random(seed);
    List<byte[]> items = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      byte[] item = new byte[random.nextInt(300)];
      random.nextBytes(item);
      items.add(item);
    }
    assertThat(FramedList.decode(FramedList.encode(items))).containsExactlyElementsOf(items);
  }

  @Test
  void layoutIsLittleEndianLengthThenBytes() {
    assertThat(FramedList.encode(List.of(new byte[] {9}, new byte[0])))
        .containsExactly(1, 0, 0, 0, 9, 0, 0, 0, 0);
  }

  @Test
  void refusesLengthsPastTheEnd() {
    assertThatThrownBy(() -> FramedList.decode(new byte[] {5, 0, 0, 0, 1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FramedList.decode(new byte[] {5, 0})).isInstanceOf(IllegalArgumentException.class);
  }
}
