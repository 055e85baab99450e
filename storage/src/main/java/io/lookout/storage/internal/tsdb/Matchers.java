package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Label matchers compiled once per query: to a Lucene query over series documents and to a
 * predicate over in-memory labels, with Prometheus semantics (a missing label equals the empty
 * string; regular expressions are RE2, fully anchored; see {@link LabelRegex}).
 */
final class Matchers {
  private record Compiled(LabelMatcher m, LabelRegex regex, boolean matchesEmpty) {
    boolean matchesValue(String v) {
      return switch (m.type()) {
        case EQUAL -> m.value().equals(v);
        case NOT_EQUAL -> !m.value().equals(v);
        case REGEX -> regex.matches(v);
        case NOT_REGEX -> !regex.matches(v);
      };
    }
  }

  private final List<Compiled> compiled;

  private Matchers(List<Compiled> compiled) {
    this.compiled = compiled;
  }

  /**
   * @throws io.lookout.model.LookoutException BAD_DATA for a regular expression Prometheus refuses,
   *     EXECUTION for one too large
   */
  static Matchers compile(List<LabelMatcher> matchers) {
    List<Compiled> out = new ArrayList<>(matchers.size());
    for (LabelMatcher m : matchers) {
      if (m.type() == LabelMatcher.Type.REGEX || m.type() == LabelMatcher.Type.NOT_REGEX) {
        LabelRegex re = LabelRegex.compile(m.value());
        boolean empty = re.matchesEmpty();
        out.add(new Compiled(m, re, m.type() == LabelMatcher.Type.REGEX ? empty : !empty));
      } else {
        boolean empty = m.type() == LabelMatcher.Type.EQUAL ? m.value().isEmpty() : !m.value().isEmpty();
        out.add(new Compiled(m, null, empty));
      }
    }
    return new Matchers(out);
  }

  /**
   * The metric names a matching series must have, when a matcher pins them to a few
   * ({@code __name__="x"}, or {@code __name__=~"x|y"} as literals): an index into the head. Null
   * when the names are not pinned.
   */
  Set<String> exactNames() {
    for (Compiled c : compiled) {
      if (!c.m.name().equals(Labels.NAME)) {
        continue;
      }
      if (c.m.type() == LabelMatcher.Type.EQUAL && !c.m.value().isEmpty()) {
        return Set.of(c.m.value());
      }
      if (c.m.type() == LabelMatcher.Type.REGEX && c.regex.literals() != null) {
        return c.regex.literals(); // "" may be among them: no series has an empty name
      }
    }
    return null;
  }

  boolean matches(Labels labels) {
    for (Compiled c : compiled) {
      String v = labels.get(c.m.name());
      if (!c.matchesValue(v == null ? "" : v)) {
        return false;
      }
    }
    return true;
  }

  /** The query over series documents (the caller adds the series-kind filter). */
  Query query() {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new MatchAllDocsQuery(), Occur.FILTER);
    for (Compiled c : compiled) {
      String field = TsdbPartition.LABEL_PREFIX + c.m.name();
      Query has = new TermQuery(new Term(TsdbPartition.NAMES, c.m.name()));
      // documents whose (present, non-empty) value matches the value or regex
      Query positive = switch (c.m.type()) {
        case EQUAL, NOT_EQUAL -> c.m.value().isEmpty() ? null : new TermQuery(new Term(field, c.m.value()));
        case REGEX, NOT_REGEX -> c.regex.query(field);
      };
      // "value matches" for a series that has the label; a series without it has the value ""
      boolean wantMatch = c.m.type() == LabelMatcher.Type.EQUAL || c.m.type() == LabelMatcher.Type.REGEX;
      if (positive == null) {
        // no present value matches: {x=""} wants the label absent, {x!=""} present
        if (wantMatch) {
          b.add(c.matchesEmpty ? has : new MatchNoDocsQuery(), c.matchesEmpty ? Occur.MUST_NOT : Occur.FILTER);
        } else if (!c.matchesEmpty) {
          b.add(has, Occur.FILTER);
        }
        continue;
      }
      if (wantMatch) {
        if (c.matchesEmpty) {
          b.add(new BooleanQuery.Builder().add(positive, Occur.SHOULD)
              .add(new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
                  .add(has, Occur.MUST_NOT).build(), Occur.SHOULD).build(), Occur.FILTER);
        } else {
          b.add(positive, Occur.FILTER);
        }
      } else {
        b.add(positive, Occur.MUST_NOT);
        if (!c.matchesEmpty) {
          b.add(has, Occur.FILTER);
        }
      }
    }
    return b.build();
  }
}
