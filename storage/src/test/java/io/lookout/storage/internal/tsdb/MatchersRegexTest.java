package io.lookout.storage.internal.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.LabelMatcher.Type;
import io.lookout.model.metrics.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regex matchers against RE2/J itself as the oracle ({@code ^(?:re)$}, as Prometheus compiles
 * them), both as the in-memory predicate over labels and as the Lucene query over series
 * documents (an index of several segments), for {@code =~} and {@code !~}, with series lacking
 * the label (value "").
 */
class MatchersRegexTest {
  /** Label values of series 1..n; series 0 has no label {@code v}. */
  static final List<String> VALUES = List.of("a", "b", "ab", "aa", "aaa", "aaaa", "abc", "foo", "FOO", "Foo",
      "fOo", "foobar", "foo.", "fo", "foo\nbar", "foo\n", "\n", "a@b", "x<y>", "\"q\"", "a&b", "~x", "#", "x", "xy",
      "123", "12a", "\u0663\u0664", "\u00e9\u00e9", "\u65e5\u672c", "\u65e5", "a.b", "axb", "a b", "word_1",
      "hello world", "@", "<", ">", "&", "~", "(a)", "a|b", "[x]", "{1}", "\\", "bar", "Bar", "barfoo", "a\u00e9");

  static final List<String> REGEXES = List.of("(?:a|b)", "(?i)foo", "a@b", "x<y>", "\"q\"", "a&b", "~x", "#", "\\d+",
      "[[:digit:]]+", "\\pL+", "\\p{Greek}|\\p{Han}+", "a{2,3}", "a{2,}", "a{,3}", "foo.*?", "x|", "|", "", ".*", ".+",
      ".", "foo.*", "foo.+", "a.b", "a\\.b", "\\Qa.b\\E", "(a|b)+", "foo(bar)?", "fo[o]+", "[^a]*", "\\bfoo\\b",
      "(?s)foo.*", "(?i:FOO)bar", "a*", "ab*", "(ab)", "foo|bar|", "\\x{65e5}\u672c", "\u65e5.*", "(?U)a+", "a|ab|abc",
      "[]a]+", "[^]a]", "\\w+", "\\W", "\\s", "[\\d@]+", "a{0}", "(a{2}){2}", "@|<|>|&|~", "\\(a\\)", "a\\|b",
      "\\[x\\]", "\\{1\\}", "\\\\", "(?P<n>foo)bar", "f(?i)OO", "(?m)^foo$", "^foo$", "[[:^alpha:]]+", "[\\p{L}]+",
      "bar|Bar|barfoo", "foo(?:bar|baz)?", "(foo)|(bar)", "a\u00e9|\u00e9\u00e9", "\\Q(a)\\E", "[ab]|xy|.", "x+y?",
      ".*o.*|.*@.*", ".+o.+", "fo.*|ba.+", ".*o|b.+", ".+\n.*", "foo\n.*", ".*bar", ".+b.*", "\u65e5.+|.*\u00e9", "(?:.*x.*)");

  private static ByteBuffersDirectory dir;
  private static DirectoryReader reader;
  private static final List<Labels> SERIES = new ArrayList<>();

  @BeforeAll
  static void index() throws IOException {
    SERIES.add(Labels.of("__name__", "m", "i", "0"));
    for (int i = 0; i < VALUES.size(); i++) {
      SERIES.add(Labels.of("__name__", "m", "i", Integer.toString(i + 1), "v", VALUES.get(i)));
    }
    dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      for (int i = 0; i < SERIES.size(); i++) {
        Document d = new Document();
        for (Labels.Label l : SERIES.get(i).list()) {
          d.add(new StringField(TsdbPartition.NAMES, l.name(), Field.Store.NO));
          d.add(new StringField(TsdbPartition.LABEL_PREFIX + l.name(), l.value(), Field.Store.NO));
        }
        d.add(new StoredField("idx", i));
        w.addDocument(d);
        if (i % 17 == 16) {
          w.commit(); // several segments, each with its own terms
        }
      }
    }
    reader = DirectoryReader.open(dir);
    assertThat(reader.leaves()).hasSizeGreaterThan(1);
  }

  @AfterAll
  static void close() throws IOException {
    reader.close();
    dir.close();
  }

  private static boolean oracle(String re, String value) {
    return Pattern.compile("^(?:" + re + ")$").matcher(value).find();
  }

  private static Set<Integer> viaIndex(Matchers ms) throws IOException {
    IndexSearcher s = new IndexSearcher(reader);
    Set<Integer> out = new TreeSet<>();
    for (ScoreDoc sd : s.search(ms.query(), 10_000).scoreDocs) {
      out.add(s.storedFields().document(sd.doc).getField("idx").numericValue().intValue());
    }
    return out;
  }

  private static Set<Integer> viaHead(Matchers ms) {
    Set<Integer> out = new TreeSet<>();
    for (int i = 0; i < SERIES.size(); i++) {
      if (ms.matches(SERIES.get(i))) {
        out.add(i);
      }
    }
    return out;
  }

  private static Set<Integer> expected(String re, boolean positive) {
    Set<Integer> out = new TreeSet<>();
    for (int i = 0; i < SERIES.size(); i++) {
      String v = SERIES.get(i).get("v");
      if (oracle(re, v == null ? "" : v) == positive) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void regexMatchersSelectWhatRe2SelectsInHeadAndIndex() throws IOException {
    for (String re : REGEXES) {
      for (Type type : List.of(Type.REGEX, Type.NOT_REGEX)) {
        Matchers ms = Matchers.compile(List.of(new LabelMatcher("v", type, re)));
        Set<Integer> want = expected(re, type == Type.REGEX);
        assertThat(viaHead(ms)).as("head %s %s", type, re).isEqualTo(want);
        assertThat(viaIndex(ms)).as("index %s %s", type, re).isEqualTo(want);
      }
    }
  }

  /** The head is searched by name when the names are pinned, by equality or by a literal alternation. */
  @Test
  void literalNameAlternationsPinTheNames() {
    assertThat(Matchers.compile(List.of(new LabelMatcher(Labels.NAME, Type.EQUAL, "up"))).exactNames())
        .containsExactly("up");
    assertThat(Matchers.compile(List.of(new LabelMatcher("job", Type.EQUAL, "x"),
        new LabelMatcher(Labels.NAME, Type.REGEX, "(?:up|node_load1)"))).exactNames())
        .containsExactlyInAnyOrder("up", "node_load1");
    assertThat(Matchers.compile(List.of(new LabelMatcher(Labels.NAME, Type.REGEX, "up.*"))).exactNames()).isNull();
    assertThat(Matchers.compile(List.of(new LabelMatcher(Labels.NAME, Type.REGEX, "(?i)up"))).exactNames()).isNull();
    assertThat(Matchers.compile(List.of(new LabelMatcher(Labels.NAME, Type.NOT_REGEX, "up|x"))).exactNames()).isNull();
    assertThat(Matchers.compile(List.of(new LabelMatcher("job", Type.REGEX, "a|b"))).exactNames()).isNull();
  }

  @Test
  void constructsLuceneTreatsAsOperatorsAreLiterals() throws IOException {
    for (String re : List.of("a@b", "x<y>", "\"q\"", "a&b", "~x", "#", "@|<|>|&|~")) {
      Matchers ms = Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, re)));
      assertThat(viaIndex(ms)).as(re).isNotEmpty().isEqualTo(expected(re, true));
    }
  }

  @Test
  void emptyMatchingRegexesSelectSeriesWithoutTheLabel() throws IOException {
    for (String re : List.of("x|", ".*", "|", "", "a*", "[^a]*")) {
      Set<Integer> positive = viaIndex(Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, re))));
      Set<Integer> negative = viaIndex(Matchers.compile(List.of(new LabelMatcher("v", Type.NOT_REGEX, re))));
      assertThat(positive).as(re).contains(0);
      assertThat(negative).as(re).doesNotContain(0);
    }
    // a label nobody has: every series has the value ""
    assertThat(viaIndex(Matchers.compile(List.of(new LabelMatcher("nope", Type.REGEX, "x|")))))
        .hasSize(SERIES.size());
    assertThat(viaIndex(Matchers.compile(List.of(new LabelMatcher("nope", Type.REGEX, "x+"))))).isEmpty();
    assertThat(viaIndex(Matchers.compile(List.of(new LabelMatcher("nope", Type.NOT_REGEX, "x+")))))
        .hasSize(SERIES.size());
  }

  @Test
  void dotDoesNotMatchNewlineOnFastPaths() throws IOException {
    int fooNl = VALUES.indexOf("foo\nbar") + 1;
    for (String re : List.of("foo.*", ".*", ".+", "foo.+")) {
      Matchers ms = Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, re)));
      assertThat(viaIndex(ms)).as(re).doesNotContain(fooNl);
      assertThat(viaHead(ms)).as(re).doesNotContain(fooNl);
    }
    assertThat(viaIndex(Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, "(?s)foo.*"))))).contains(fooNl);
  }

  @Test
  void combinedMatchersIntersect() throws IOException {
    Matchers ms = Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, "(?i)foo.*"),
        new LabelMatcher("v", Type.NOT_REGEX, "foo\\..*|FOO"), new LabelMatcher("i", Type.REGEX, "\\d+")));
    Set<Integer> want = new TreeSet<>();
    for (int i = 0; i < SERIES.size(); i++) {
      String v = SERIES.get(i).get("v");
      v = v == null ? "" : v;
      if (oracle("(?i)foo.*", v) && !oracle("foo\\..*|FOO", v)) {
        want.add(i);
      }
    }
    assertThat(want).hasSizeGreaterThan(2);
    assertThat(viaIndex(ms)).isEqualTo(want);
    assertThat(viaHead(ms)).isEqualTo(want);
  }

  @Test
  void regexesGoRefusesAreBadData() {
    for (String re : List.of("(a{100}){11}", "(a{1000}){1000}", "((a{10}){10}){11}", "a{1001}", "a)|(b", "a**",
        "x{2}{3}", "\\C", "(", "[a")) {
      assertThatThrownBy(() -> Matchers.compile(List.of(new LabelMatcher("v", Type.REGEX, re))))
          .as(re)
          .isInstanceOfSatisfying(LookoutException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
            assertThat(e.getMessage()).startsWith("invalid regular expression '" + re + "': ");
          });
    }
    assertThatThrownBy(() -> LabelRegex.compile("(a{100}){11}")).hasMessageContaining("invalid repeat count: `{11}`");
  }

  @Test
  void repetitionsWithinGoLimitsAreAccepted() {
    for (String re : List.of("(a{100}){10}", "((a{10}){10}){10}", "(?:a{1000})*", "(a{1000}){0}", "a{1000}b{1000}",
        "(a{2,}){500}", "a{2}|(b{3}){333}")) {
      assertThat(LabelRegex.compile(re).source()).isEqualTo(re);
    }
  }

  @Test
  void tooLargeRegexIsAnExecutionError() {
    String re = "(?:[a-z]{1000}x){0,1}".repeat(300);
    assertThatThrownBy(() -> LabelRegex.compile(re))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.EXECUTION);
          assertThat(e.getMessage()).contains("too large").contains("at most " + LabelRegex.MAX_PROGRAM_SIZE);
        });
  }
}
