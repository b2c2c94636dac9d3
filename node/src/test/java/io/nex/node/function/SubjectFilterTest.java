package io.nex.node.function;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectFilterTest {
  @ParameterizedTest
  @CsvSource({
      "$NEX.>, $NEX.PING, true",
      "$NEX.>, >, true",
      "*.PING, $NEX.>, true",
      "$JS.API.>, $JS.>, true",
      "foo.bar, foo.baz, false",
      "foo.*, foo.bar.baz, false",
      "foo.>, foo, false",
      "echo, echo, true",
      "echo.*, $NEX.>, false",
      "$SYS.>, *.*, true"
  })
  void collisionIsSymmetricAndFollowsNatsWildcards(String a, String b, boolean expected) {
    assertThat(SubjectFilter.collides(a, b)).isEqualTo(expected);
    assertThat(SubjectFilter.collides(b, a)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"foo.bar, true", "foo.>, true", "foo..bar, false", "'', false", "foo.>.bar, false", "a b, false"})
  void validity(String subject, boolean expected) {
    assertThat(SubjectFilter.isValid(subject)).isEqualTo(expected);
  }
}
