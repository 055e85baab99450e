package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast-path shapes are recognised, and only where they are exact. */
class RegexSyntaxTest {
  private static List<String> pieces(String re) {
    List<RegexSyntax.Piece> ps = RegexSyntax.parse(re).pieces();
    return ps == null ? null : ps.stream().map(p -> p.head() + "[" + p.literal() + "]" + p.tail()).toList();
  }

  @Test
  void alternationsOfSimplePiecesAreRecognised() {
    assertThat(pieces("a|b|")).containsExactly("-1[a]-1", "-1[b]-1", "-1[]-1");
    assertThat(pieces("(?:a|bc)")).containsExactly("-1[a]-1", "-1[bc]-1");
    assertThat(pieces("(a|bc)")).containsExactly("-1[a]-1", "-1[bc]-1");
    assertThat(pieces("a\\.b|x@y|\\Q.*\\E")).containsExactly("-1[a.b]-1", "-1[x@y]-1", "-1[.*]-1");
    assertThat(pieces("")).containsExactly("-1[]-1");
    assertThat(pieces("a{")).containsExactly("-1[a{]-1");
    assertThat(pieces("foo.*?|.+bar|.*Eden.*|.+x.+|.*")).containsExactly("-1[foo]0", "1[bar]-1", "0[Eden]0",
        "1[x]1", "0[]-1");
    for (String re : new String[] {"a.b", "(?i)a", "(?i:a|b)", "(a)|(b)", "a*", "\\d", "[a]", "a{2}", "^a", "a$",
        "(?s).*", "fo+.*", "foo\\.*", "[.]*", "foo.{2}", ".*.*.*", ".?a", "(?:a).*"}) {
      assertThat(pieces(re)).as(re).isNull();
    }
  }

  @Test
  void piecesMatchAsRe2() {
    String[] values = {"", "a", "ab", "ba", "bab", "a\n", "\na", "b\nab", "aa", "xaax", "\u00e9a\u00e9"};
    for (String re : new String[] {"a.*", "a.+", ".*a", ".+a", ".*a.*", ".+a.+", ".*a.+", ".+a.*", ".*", ".+",
        ".*.*", ".+.+", "a", "", ".+aa.*"}) {
      RegexSyntax.Piece p = RegexSyntax.parse(re).pieces().get(0);
      for (String v : values) {
        assertThat(p.matches(v)).as("%s on %s", re, v)
            .isEqualTo(com.google.re2j.Pattern.compile("^(?:" + re + ")$").matcher(v).find());
      }
    }
  }

  @Test
  void literalPrefixIsOnlyWhatEveryMatchStartsWith() {
    assertThat(RegexSyntax.parse("foo(bar|baz)").literalPrefix()).isEqualTo("foo");
    assertThat(RegexSyntax.parse("foo\\d+").literalPrefix()).isEqualTo("foo");
    assertThat(RegexSyntax.parse("foo*").literalPrefix()).isEqualTo("fo");
    assertThat(RegexSyntax.parse("fo{2}").literalPrefix()).isEqualTo("f");
    assertThat(RegexSyntax.parse("foo|bar").literalPrefix()).isEmpty();
    assertThat(RegexSyntax.parse("[|]foo").literalPrefix()).isEmpty();
    assertThat(RegexSyntax.parse("ab[|(]c|d").literalPrefix()).isEmpty();
    assertThat(RegexSyntax.parse("ab[|(]c").literalPrefix()).isEqualTo("ab");
    assertThat(RegexSyntax.parse("ab\\|c").literalPrefix()).isEqualTo("ab|c");
    assertThat(RegexSyntax.parse("(?i)foo").literalPrefix()).isEmpty();
    assertThat(RegexSyntax.parse("ab(?i)c").literalPrefix()).isEqualTo("ab");
    assertThat(RegexSyntax.parse("^foo").literalPrefix()).isEmpty();
  }

  @Test
  void suffixAndInfixAreMandatoryLiterals() {
    assertThat(RegexSyntax.parse(".*-12345").literalSuffix()).isEqualTo("-12345");
    assertThat(RegexSyntax.parse("a.*bc+").literalSuffix()).isEmpty();
    assertThat(RegexSyntax.parse("a.*(b|c)").literalSuffix()).isEmpty();
    assertThat(RegexSyntax.parse("a.*b|c").literalSuffix()).isEmpty();
    assertThat(RegexSyntax.parse("(?i).*abc").literalSuffix()).isEmpty();
    assertThat(RegexSyntax.parse(".*ab(?i)c").literalSuffix()).isEmpty();
    assertThat(RegexSyntax.parse(".*\\.com").literalSuffix()).isEqualTo(".com");
    assertThat(RegexSyntax.parse("pod-[ab]-.*-1x.*").literalInfix()).isEqualTo("pod-");
    assertThat(RegexSyntax.parse("[ab]-.*-12y?.*").literalInfix()).isEqualTo("-12");
    assertThat(RegexSyntax.parse(".*(abcdef)?x.*").literalInfix()).isEqualTo("x");
    assertThat(RegexSyntax.parse(".*ab|cd.*").literalInfix()).isEmpty();
    assertThat(RegexSyntax.parse(".*abc*").literalInfix()).isEqualTo("ab");
  }
}
