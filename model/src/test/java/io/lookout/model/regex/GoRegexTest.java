package io.lookout.model.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import org.junit.jupiter.api.Test;

class GoRegexTest {
  private static String invalid(String re) {
    return GoRegex.invalidRepeat(RegexLexer.tokens(re));
  }

  @Test
  void nestedRepetitionsAreCountedAsGoCountsThem() {
    assertThat(invalid("(a{100}){10}")).isNull();
    assertThat(invalid("(a{100}){11}")).isEqualTo("{11}");
    assertThat(invalid("(a{100}b){10}c{1000}")).isNull();
    assertThat(invalid("((a{7}){142})")).isNull();
    assertThat(invalid("((a{7}){143})")).isEqualTo("{143}");
    assertThat(invalid("(a{2,}){501}")).isEqualTo("{501}");
    assertThat(invalid("[{]{1000}(a){2}")).isNull();
    assertThat(invalid("(a{1000})*")).isNull();
    assertThat(invalid("a{1001}")).isEqualTo("{1001}");
    assertThat(invalid("a\\{1001}")).isNull(); // an escaped brace is a literal
    assertThat(invalid("(?:x{10}){10}(?i:y{10}){100}")).isNull();
  }

  /** The expression that made RE2/J build a billion-instruction program is refused without compiling. */
  @Test
  void hugeNestedRepetitionsAreRefusedAsBadData() {
    assertThatThrownBy(() -> GoRegex.checkRepeats("regular expression", "((a{1000}){1000}){1000}"))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageContaining("invalid repeat count: `{1000}`").hasMessageContaining("at most 1000");
    GoRegex.checkRepeats("regular expression", "(a|b){3}.*");
  }
}
