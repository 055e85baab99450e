package io.lookout.query.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.query.promql.PromqlCorpus.Invalid;
import io.lookout.query.promql.PromqlCorpus.Valid;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class PromqlParserTest {
  static final List<Valid> VALID = PromqlCorpus.VALID;
  static final List<Invalid> INVALID = PromqlCorpus.INVALID;

  @ParameterizedTest
  @FieldSource("VALID")
  void validQueryRendersCanonically(Valid c) {
    assertThat(PromqlParser.parse(c.query()).toString()).isEqualTo(c.canonical());
  }

  @ParameterizedTest
  @FieldSource("VALID")
  void canonicalFormReparsesToAnEqualTree(Valid c) {
    Expr first = PromqlParser.parse(c.query());
    Expr again = PromqlParser.parse(first.toString());
    assertThat(again).isEqualTo(first);
    assertThat(again.hashCode()).isEqualTo(first.hashCode());
    assertThat(again.toString()).isEqualTo(first.toString());
  }

  @ParameterizedTest
  @FieldSource("INVALID")
  void invalidQueryFailsAtThePosition(Invalid c) {
    assertThatThrownBy(() -> PromqlParser.parse(c.query()))
        .isInstanceOf(PromqlParseException.class)
        .hasMessageStartingWith(c.position() + ": parse error: ")
        .hasMessageContaining(c.fragment());
  }

  @ParameterizedTest
  @FieldSource("VALID")
  void everyPrefixEitherParsesOrFailsWithAParseError(Valid c) {
    String q = c.query();
    for (int i = 0; i < q.length(); i++) {
      String prefix = q.substring(0, i);
      try {
        Expr e = PromqlParser.parse(prefix);
        assertThat(PromqlParser.parse(e.toString())).isEqualTo(e);
      } catch (PromqlParseException e) {
        assertThat(e.offset()).as(prefix).isBetween(0, prefix.length());
      }
    }
  }

  @Test
  void corpusIsLarge() {
    assertThat(VALID.size() + INVALID.size()).isGreaterThanOrEqualTo(200);
  }
}
