package io.lookout.storage.internal;

import io.lookout.model.LookoutException;
import org.apache.lucene.document.IntField;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;

/** Lucene classic query syntax over the log fields; default field {@code body}, default AND. */
public final class QueryParsing {
  public static final int MAX_CLAUSES = 4096;
  private static final String EXAMPLE =
      "use Lucene query syntax, e.g. 'timeout AND service:checkout', 'severity:error',"
          + " '\"connection refused\"', 'attributes.http.status_code:500', 'severity_number:[17 TO 24]'";

  static {
    IndexSearcher.setMaxClauseCount(MAX_CLAUSES);
  }

  private QueryParsing() {}

  /** Parses; an empty query or {@code *} matches everything. */
  public static Query parse(String query) {
    if (query == null || query.isBlank() || query.trim().equals("*")) {
      return new MatchAllDocsQuery();
    }
    try {
      return new Parser().parse(query);
    } catch (ParseException e) {
      throw LookoutException.badData("invalid query: " + firstLine(e.getMessage()) + "; " + EXAMPLE);
    } catch (IndexSearcher.TooManyClauses e) {
      throw LookoutException.badData("invalid query: it expands to more than " + MAX_CLAUSES
          + " clauses; use fewer terms or less general wildcards");
    } catch (LookoutException e) {
      throw e;
    } catch (RuntimeException e) {
      throw LookoutException.badData("invalid query: " + firstLine(String.valueOf(e.getMessage())) + "; " + EXAMPLE);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static final class Parser extends QueryParser {
    Parser() {
      super(Analysis.BODY, Analysis.queryAnalyzer());
      setDefaultOperator(Operator.AND);
      setSplitOnWhitespace(true);
      setAutoGeneratePhraseQueries(true);
      setAllowLeadingWildcard(true);
    }

    @Override
    protected Query getFieldQuery(String field, String text, boolean quoted) throws ParseException {
      if (Documents.SEVERITY_NUMBER.equals(field)) {
        return IntField.newExactQuery(field, number(text));
      }
      return super.getFieldQuery(field, text, quoted);
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive,
        boolean endInclusive) throws ParseException {
      if (Documents.SEVERITY_NUMBER.equals(field)) {
        int lo = part1 == null || part1.equals("*") ? Integer.MIN_VALUE : number(part1) + (startInclusive ? 0 : 1);
        int hi = part2 == null || part2.equals("*") ? Integer.MAX_VALUE : number(part2) - (endInclusive ? 0 : 1);
        return IntField.newRangeQuery(field, lo, hi);
      }
      return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
    }

    private static int number(String text) throws ParseException {
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new ParseException("severity_number takes a number 0-24, not '" + text + "'");
      }
    }
  }
}
