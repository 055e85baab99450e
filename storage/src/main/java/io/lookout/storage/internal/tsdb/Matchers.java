package io.lookout.storage.internal.tsdb;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.AutomatonQuery;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * Label matchers compiled once per query: to a Lucene query over series documents and to a
 * predicate over in-memory labels, with Prometheus semantics (a missing label equals the empty
 * string; regular expressions are fully anchored). Regular expressions become Lucene automata
 * (linear-time matching); one needing more than {@value #MAX_DETERMINIZE_WORK} units of work to
 * determinize is refused with EXECUTION.
 */
final class Matchers {
  static final int MAX_DETERMINIZE_WORK = 10_000;

  private record Compiled(LabelMatcher m, CharacterRunAutomaton run, Automaton automaton, boolean matchesEmpty) {
    boolean matchesValue(String v) {
      return switch (m.type()) {
        case EQUAL -> m.value().equals(v);
        case NOT_EQUAL -> !m.value().equals(v);
        case REGEX -> run.run(v);
        case NOT_REGEX -> !run.run(v);
      };
    }
  }

  private final List<Compiled> compiled;

  private Matchers(List<Compiled> compiled) {
    this.compiled = compiled;
  }

  static Matchers compile(List<LabelMatcher> matchers) {
    List<Compiled> out = new ArrayList<>(matchers.size());
    for (LabelMatcher m : matchers) {
      if (m.type() == LabelMatcher.Type.REGEX || m.type() == LabelMatcher.Type.NOT_REGEX) {
        Automaton a = regex(m.value());
        CharacterRunAutomaton run = new CharacterRunAutomaton(a);
        boolean empty = run.run("");
        out.add(new Compiled(m, run, a, m.type() == LabelMatcher.Type.REGEX ? empty : !empty));
      } else {
        boolean empty = m.type() == LabelMatcher.Type.EQUAL ? m.value().isEmpty() : !m.value().isEmpty();
        out.add(new Compiled(m, null, null, empty));
      }
    }
    return new Matchers(out);
  }

  /** The metric name when one matcher is {@code __name__="x"} (an index into the head), else null. */
  String exactName() {
    for (Compiled c : compiled) {
      if (c.m.type() == LabelMatcher.Type.EQUAL && c.m.name().equals(Labels.NAME) && !c.m.value().isEmpty()) {
        return c.m.value();
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
      Query positive = switch (c.m.type()) {
        case EQUAL, NOT_EQUAL -> c.m.value().isEmpty() ? null : new TermQuery(new Term(field, c.m.value()));
        case REGEX, NOT_REGEX -> new AutomatonQuery(new Term(field, c.m.value()), c.automaton);
      };
      // "value matches" for a series that has the label; a series without it has the value ""
      boolean wantMatch = c.m.type() == LabelMatcher.Type.EQUAL || c.m.type() == LabelMatcher.Type.REGEX;
      if (positive == null) {
        // {x=""}: label absent; {x!=""}: label present
        b.add(has, wantMatch ? Occur.MUST_NOT : Occur.FILTER);
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

  private static Automaton regex(String re) {
    String body = re;
    int flags = 0;
    if (body.startsWith("(?i)")) {
      body = body.substring(4);
      flags = RegExp.CASE_INSENSITIVE;
    }
    try {
      Automaton a = new RegExp(emptyAlternatives(body), RegExp.NONE, flags).toAutomaton();
      return Operations.determinize(a, MAX_DETERMINIZE_WORK);
    } catch (TooComplexToDeterminizeException e) {
      throw new LookoutException(ErrorCode.EXECUTION, "regular expression '" + re + "' is too complex: matching it"
          + " needs more than " + MAX_DETERMINIZE_WORK + " automaton states; simplify it or use fewer alternatives");
    } catch (IllegalArgumentException e) {
      throw new LookoutException(ErrorCode.BAD_DATA, "invalid regular expression '" + re + "': " + e.getMessage());
    }
  }

  /** RE2 allows an empty last alternative ({@code a|}); Lucene needs it spelled {@code a|()}. */
  static String emptyAlternatives(String re) {
    StringBuilder sb = new StringBuilder(re.length() + 4);
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      sb.append(c);
      if (c == '\\' && i + 1 < re.length()) {
        sb.append(re.charAt(++i));
        continue;
      }
      if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '|' && (i + 1 == re.length() || re.charAt(i + 1) == ')' || re.charAt(i + 1) == '|')) {
        sb.append("()");
      }
    }
    return sb.toString();
  }
}
