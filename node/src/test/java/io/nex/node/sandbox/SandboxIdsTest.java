package io.nex.node.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SandboxIdsTest {
  @Test
  void idsAreTwentyCharactersOfLowercaseBase32HexAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = SandboxIds.next();
      assertThat(SandboxIds.isValid(id)).as(id).isTrue();
      assertThat(seen.add(id)).as("duplicate " + id).isTrue();
    }
  }

  @Test
  void idsSortByCreationOrder() {
    String first = SandboxIds.next();
    String second = SandboxIds.next();
    assertThat(first.substring(0, 6)).isLessThanOrEqualTo(second.substring(0, 6));
  }

  @Test
  void rejectsAnythingThatCouldEscapeASubjectToken() {
    assertThat(SandboxIds.isValid("aaaa.bbbb.ccccdddde>")).isFalse();
    assertThat(SandboxIds.isValid("AAAAAAAAAAAAAAAAAAAA")).isFalse();
    assertThat(SandboxIds.isValid(null)).isFalse();
  }
}
