package io.lookout.storage.internal.tsdb;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.regex.GoRegex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * A label-matcher regular expression with Prometheus semantics: RE2 (Go) syntax and matching,
 * fully anchored as Prometheus compiles it ({@code ^(?:re)$}), evaluated in linear time by RE2/J.
 * Exact fast paths, as Prometheus takes them: a literal or an alternation of literals is a set
 * lookup; an alternation of {@code literal}, {@code literal.*}, {@code .*literal.+} and the like
 * is matched by string operations ({@code .} does not match a newline); any other expression is
 * matched by RE2/J once the value has the literal prefix, suffix and infix every match has. Index
 * terms are enumerated from the common literal prefix on only.
 *
 * <p>Expressions Go's parser refuses and RE2/J accepts are refused here too (a repetition nesting
 * to more than {@value io.lookout.model.regex.GoRegex#MAX_REPEAT} copies, text outside the group such as
 * {@code a)|(b}); so is one compiling to more than {@value #MAX_PROGRAM_SIZE} instructions.
 */
final class LabelRegex {
  static final int MAX_PROGRAM_SIZE = 200_000;
  /** Values remembered per expression by {@link #matches}; later ones are matched each time. */
  static final int MEMO_SIZE = 10_000;

  private final String source;
  private final Pattern pattern;
  /** Non-null when the expression is an alternation of simple pieces, matched without RE2/J. */
  private final List<RegexSyntax.Piece> pieces;
  /** Non-null when every piece is a literal. */
  private final Set<String> literals;
  /** Every match starts with this, ends with {@link #suffix} and contains {@link #infix}. */
  private final String prefix;
  private final BytesRef prefixBytes;
  private final String suffix;
  private final String infix;
  private final boolean matchesEmpty;
  private final Map<String, Boolean> memo = new ConcurrentHashMap<>();

  private LabelRegex(String source, Pattern pattern, RegexSyntax syntax) {
    this.source = source;
    this.pattern = pattern;
    this.pieces = syntax.pieces();
    this.literals = pieces != null && pieces.stream().allMatch(RegexSyntax.Piece::isLiteral)
        ? pieces.stream().map(RegexSyntax.Piece::literal).collect(Collectors.toCollection(HashSet::new)) : null;
    this.prefix = pieces != null ? commonPrefix(pieces) : syntax.literalPrefix();
    this.prefixBytes = new BytesRef(prefix);
    this.suffix = pieces == null ? syntax.literalSuffix() : "";
    this.infix = pieces == null ? syntax.literalInfix() : "";
    this.matchesEmpty = pattern.matcher("").find();
  }

  /** The longest literal every piece's matches start with. */
  private static String commonPrefix(List<RegexSyntax.Piece> pieces) {
    String p = null;
    for (RegexSyntax.Piece x : pieces) {
      if (x.head() >= 0) {
        return "";
      }
      if (p == null) {
        p = x.literal();
      } else {
        int n = 0;
        while (n < p.length() && n < x.literal().length() && p.charAt(n) == x.literal().charAt(n)) {
          n++;
        }
        if (n > 0 && Character.isHighSurrogate(p.charAt(n - 1))) {
          n--;
        }
        p = p.substring(0, n);
      }
    }
    return p == null ? "" : p;
  }

  /**
   * @throws LookoutException BAD_DATA for an expression Prometheus refuses, EXECUTION for one too
   *     large to match here
   */
  static LabelRegex compile(String re) {
    // before compiling: RE2/J expands counted repetitions, and nested ones would exhaust the heap
    GoRegex.checkRepeats("regular expression", re);
    Pattern p;
    try {
      Pattern.compile(re); // Go parses the bare expression too: "a)|(b" is refused
      p = Pattern.compile("^(?:" + re + ")$");
    } catch (PatternSyntaxException e) {
      throw invalid(re, e.getDescription() + ": `" + e.getPattern() + "`");
    } catch (StackOverflowError e) {
      throw invalid(re, "expression nests too deeply");
    }
    RegexSyntax syntax = RegexSyntax.parse(re);
    if (p.programSize() > MAX_PROGRAM_SIZE) {
      throw new LookoutException(ErrorCode.EXECUTION, "regular expression '" + re + "' is too large: it compiles to "
          + p.programSize() + " instructions, at most " + MAX_PROGRAM_SIZE + " are allowed; use smaller repetition"
          + " counts or fewer alternatives");
    }
    return new LabelRegex(re, p, syntax);
  }

  private static LookoutException invalid(String re, String why) {
    return new LookoutException(ErrorCode.BAD_DATA, "invalid regular expression '" + re + "': " + why);
  }

  String source() {
    return source;
  }

  /** The values it matches when it is an alternation of literals ({@code a|b|c}), else null. */
  Set<String> literals() {
    return literals == null ? null : java.util.Collections.unmodifiableSet(literals);
  }

  /** Whether the expression matches the empty string, i.e. a series without the label. */
  boolean matchesEmpty() {
    return matchesEmpty;
  }

  /** Whether the whole value matches. */
  boolean matches(String v) {
    if (literals != null) {
      return literals.contains(v);
    }
    if (!v.startsWith(prefix)) {
      return false;
    }
    if (pieces != null) {
      for (RegexSyntax.Piece p : pieces) {
        if (p.matches(v)) {
          return true;
        }
      }
      return false;
    }
    if (!v.endsWith(suffix) || !v.contains(infix)) {
      return false;
    }
    Boolean known = memo.get(v);
    if (known != null) {
      return known;
    }
    boolean r = pattern.matcher(v).find();
    if (memo.size() < MEMO_SIZE) {
      memo.put(v, r);
    }
    return r;
  }

  /** Whether an indexed term (UTF-8) that starts with {@link #prefixBytes()} matches. */
  boolean matchesTerm(BytesRef term) {
    // RE2/J's byte[] input is not used: with "$" it matched "." against two multi-byte characters
    return matches(term.utf8ToString());
  }

  BytesRef prefixBytes() {
    return prefixBytes;
  }

  /**
   * The documents whose {@code field} has a non-empty matching value, or null when no non-empty
   * value can match.
   */
  Query query(String field) {
    if (literals != null) {
      List<BytesRef> terms = new ArrayList<>(literals.size());
      for (String l : literals) {
        if (!l.isEmpty()) {
          terms.add(new BytesRef(l));
        }
      }
      return switch (terms.size()) {
        case 0 -> null;
        case 1 -> new TermQuery(new Term(field, terms.get(0)));
        default -> new TermInSetQuery(field, terms);
      };
    }
    return new RegexTermsQuery(field, this);
  }

  @Override
  public String toString() {
    return source;
  }
}
