package io.lookout.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoEscapesTest {
  private static String decode(String src, char quote) {
    StringBuilder b = new StringBuilder();
    int end = GoEscapes.decode(src, 0, quote, b);
    assertThat(end).as("offset after %s", src).isEqualTo(src.length());
    return b.toString();
  }

  @Test
  void decodesEveryEscapeGoAllows() {
    assertThat(decode("\\n", '"')).isEqualTo("\n");
    assertThat(decode("\\t", '"')).isEqualTo("\t");
    assertThat(decode("\\a", '"')).isEqualTo("\u0007");
    assertThat(decode("\\v", '"')).isEqualTo("\u000b");
    assertThat(decode("\\\\", '"')).isEqualTo("\\");
    assertThat(decode("\\\"", '"')).isEqualTo("\"");
    assertThat(decode("\\'", '\'')).isEqualTo("'");
    assertThat(decode("\\x41", '"')).isEqualTo("A");
    assertThat(decode("\\u00e9", '"')).isEqualTo("é");
    assertThat(decode("\\U0001F600", '"')).isEqualTo("😀");
    assertThat(decode("\\101", '"')).isEqualTo("A");
  }

  @Test
  void refusesWhatGoRefusesWithTheBackslashOffset() {
    for (String bad : new String[] {"\\'", "\\q", "\\x4", "\\xZZ", "\\uD800", "\\U00110000", "\\400", "\\18", "\\"}) {
      assertThatThrownBy(() -> GoEscapes.decode("ab" + bad, 2, '"', new StringBuilder()))
          .as(bad).isInstanceOfSatisfying(GoEscapes.BadEscape.class, e -> assertThat(e.at()).isEqualTo(2));
    }
    assertThatThrownBy(() -> GoEscapes.decode("\\\"", 0, '\'', new StringBuilder()))
        .hasMessageContaining("quoted with '");
  }
}
