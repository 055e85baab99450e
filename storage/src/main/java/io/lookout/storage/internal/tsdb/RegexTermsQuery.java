package io.lookout.storage.internal.tsdb;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.FilteredTermsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.AttributeSource;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;

/**
 * Documents with a term of {@code field} that a {@link LabelRegex} matches: the field's terms of
 * each segment are enumerated (only those starting with the expression's literal prefix, when it
 * has one) and each is matched by RE2/J, so that matching is exactly RE2's, not Lucene's regular
 * expression dialect.
 */
final class RegexTermsQuery extends MultiTermQuery {
  private final LabelRegex regex;

  RegexTermsQuery(String field, LabelRegex regex) {
    super(field, CONSTANT_SCORE_BLENDED_REWRITE);
    this.regex = regex;
  }

  @Override
  protected TermsEnum getTermsEnum(Terms terms, AttributeSource atts) throws IOException {
    BytesRef prefix = regex.prefixBytes();
    return new FilteredTermsEnum(terms.iterator(), prefix.length > 0) {
      {
        if (prefix.length > 0) {
          setInitialSeekTerm(prefix);
        }
      }

      @Override
      protected AcceptStatus accept(BytesRef term) {
        if (!StringHelper.startsWith(term, prefix)) {
          return AcceptStatus.END; // terms are sorted: none after this one has the prefix
        }
        return regex.matchesTerm(term) ? AcceptStatus.YES : AcceptStatus.NO;
      }
    };
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(field)) {
      visitor.visitLeaf(this);
    }
  }

  @Override
  public String toString(String f) {
    return (field.equals(f) ? "" : field + ":") + "~re2/" + regex.source() + "/";
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && regex.source().equals(((RegexTermsQuery) o).regex.source());
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), regex.source());
  }
}
