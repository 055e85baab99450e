package io.lookout.storage.internal;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.util.CharTokenizer;

/** Analyzers: a fast body tokenizer (lowercase, split on non-alphanumerics) and the query side. */
public final class Analysis {
  public static final String BODY = "body";
  public static final String SEVERITY = "severity";

  private Analysis() {}

  static Tokenizer bodyTokenizer() {
    return CharTokenizer.fromTokenCharPredicate(Character::isLetterOrDigit);
  }

  /** For the index writer: only {@code body} is tokenized, everything else is indexed as is. */
  public static Analyzer indexAnalyzer() {
    return new FieldAnalyzer();
  }

  /** For the query parser: body as indexed, severity lowercased, all other fields as keywords. */
  public static Analyzer queryAnalyzer() {
    return new FieldAnalyzer();
  }

  private static final class FieldAnalyzer extends Analyzer {
    FieldAnalyzer() {
      super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected TokenStreamComponents createComponents(String field) {
      if (BODY.equals(field)) {
        Tokenizer t = bodyTokenizer();
        return new TokenStreamComponents(t, new LowerCaseFilter(t));
      }
      Tokenizer t = new KeywordTokenizer();
      if (SEVERITY.equals(field)) {
        return new TokenStreamComponents(t, new LowerCaseFilter(t));
      }
      return new TokenStreamComponents(t);
    }

    @Override
    protected TokenStream normalize(String field, TokenStream in) {
      if (BODY.equals(field) || SEVERITY.equals(field)) {
        return new LowerCaseFilter(in);
      }
      return in;
    }
  }
}
