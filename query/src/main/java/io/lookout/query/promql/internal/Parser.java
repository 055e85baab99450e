package io.lookout.query.promql.internal;

import io.lookout.query.promql.Aggregate;
import io.lookout.query.promql.AggregateOp;
import io.lookout.query.promql.Binary;
import io.lookout.query.promql.BinaryOp;
import io.lookout.query.promql.Call;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.Function;
import io.lookout.query.promql.Functions;
import io.lookout.query.promql.Matcher;
import io.lookout.query.promql.MatrixSelector;
import io.lookout.query.promql.NumberLiteral;
import io.lookout.query.promql.Paren;
import io.lookout.query.promql.PositionRange;
import io.lookout.query.promql.PromqlParseException;
import io.lookout.query.promql.StringLiteral;
import io.lookout.query.promql.Subquery;
import io.lookout.query.promql.Unary;
import io.lookout.query.promql.ValueType;
import io.lookout.query.promql.VectorMatching;
import io.lookout.query.promql.VectorMatching.Cardinality;
import io.lookout.query.promql.VectorSelector;
import io.lookout.query.promql.internal.Token.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser with precedence climbing for binary operators. One instance parses
 * one query.
 */
public final class Parser {
  /**
   * The deepest expression tree accepted (operators, parentheses, calls). Deeper trees are
   * refused so that neither the parser nor the code walking the tree can exhaust a stack.
   */
  public static final int MAX_DEPTH = 500;

  /** Words that are never a metric name (aggregation operators are handled apart). */
  private static final Set<String> RESERVED =
      Set.of(
          "and", "or", "unless", "atan2", "bool", "on", "ignoring", "group_left", "group_right",
          "by", "without", "offset");

  private final String query;
  private final Lexer lexer;
  private final List<Token> ahead = new ArrayList<>();
  private int lastEnd;
  private int depth;

  public Parser(String query) {
    this.query = query;
    this.lexer = new Lexer(query);
  }

  /** Parses the whole query as one expression. */
  public Expr parse() {
    if (peek().kind() == Kind.EOF) {
      throw error(0, "no expression found in input");
    }
    Expr e = expr(0);
    Token t = peek();
    if (t.kind() != Kind.EOF) {
      throw unexpected(t, null, null);
    }
    return e;
  }

  // ---- tokens

  private Token peek() {
    return peek(0);
  }

  private Token peek(int k) {
    while (ahead.size() <= k) {
      ahead.add(lexer.next());
    }
    return ahead.get(k);
  }

  private Token next() {
    Token t = peek();
    ahead.remove(0);
    lastEnd = t.end();
    return t;
  }

  private Token expect(Kind kind, String context) {
    Token t = peek();
    if (t.kind() != kind) {
      throw unexpected(t, context, "\"" + kind.symbol() + "\"");
    }
    return next();
  }

  private PositionRange from(int start) {
    return new PositionRange(start, lastEnd);
  }

  PromqlParseException error(int offset, String detail) {
    return new PromqlParseException(query, offset, detail);
  }

  private PromqlParseException unexpected(Token t, String context, String expected) {
    StringBuilder sb = new StringBuilder("unexpected ").append(describe(t));
    if (context != null) {
      sb.append(" in ").append(context);
    }
    if (expected != null) {
      sb.append(", expected ").append(expected);
    }
    return error(t.start(), sb.toString());
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case EOF -> "end of input";
      case NUMBER -> "number " + Printer.quote(t.text());
      case DURATION -> "duration " + Printer.quote(t.text());
      case STRING -> "string " + Printer.quote(t.text());
      case IDENTIFIER -> {
        String lower = t.text().toLowerCase(Locale.ROOT);
        if (AggregateOp.fromName(lower) != null) {
          yield "<aggr:" + lower + ">";
        }
        if (binaryWord(lower) != null) {
          yield "<op:" + lower + ">";
        }
        yield RESERVED.contains(lower) ? "<" + lower + ">" : "identifier " + Printer.quote(t.text());
      }
      default -> Printer.quote(t.kind().symbol());
    };
  }

  // ---- binary and unary operators

  private Expr expr(int minPrecedence) {
    tooDeep(++depth);
    try {
      Expr lhs = unary();
      for (int chain = 1; ; chain++) {
        Token opToken = peek();
        BinaryOp op = binaryOp(opToken);
        if (op == null || op.precedence() < minPrecedence) {
          return lhs;
        }
        tooDeep(depth + chain);
        next();
        boolean returnBool = false;
        if (peek().isWord("bool")) {
          Token b = next();
          if (!op.isComparison()) {
            throw error(b.start(), "bool modifier can only be used on comparison operators");
          }
          returnBool = true;
        }
        VectorMatching matching = matching(op);
        Expr rhs = expr(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
        lhs = Checks.binary(this, op, opToken, lhs, rhs, returnBool, matching);
      }
    } finally {
      depth--;
    }
  }

  private void tooDeep(int levels) {
    if (levels > MAX_DEPTH) {
      throw error(
          peek().start(),
          "expression nested too deeply: at most " + MAX_DEPTH
              + " levels of operators, parentheses and calls are allowed");
    }
  }

  private VectorMatching matching(BinaryOp op) {
    boolean on = peek().isWord("on");
    if (!on && !peek().isWord("ignoring")) {
      return null;
    }
    next();
    List<String> labels = labelList("grouping opts");
    Cardinality card = Cardinality.ONE_TO_ONE;
    List<String> include = List.of();
    Token g = peek();
    if (g.isWord("group_left") || g.isWord("group_right")) {
      if (op.isSetOperator()) {
        throw error(g.start(), "no grouping allowed for \"" + op.symbol() + "\" operation");
      }
      next();
      card = g.isWord("group_left") ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
      if (peek().kind() == Kind.LEFT_PAREN) {
        include = labelList("grouping opts");
      }
      if (on) {
        for (String l : include) {
          if (labels.contains(l)) {
            throw error(g.start(), "label " + Printer.quote(l) + " must not occur in ON and GROUP clause at once");
          }
        }
      }
    }
    return new VectorMatching(card, on, labels, include);
  }

  private static BinaryOp binaryOp(Token t) {
    return switch (t.kind()) {
      case PLUS -> BinaryOp.ADD;
      case MINUS -> BinaryOp.SUB;
      case TIMES -> BinaryOp.MUL;
      case DIVIDE -> BinaryOp.DIV;
      case MODULO -> BinaryOp.MOD;
      case POWER -> BinaryOp.POW;
      case EQUAL -> BinaryOp.EQL;
      case NOT_EQUAL -> BinaryOp.NEQ;
      case LESS -> BinaryOp.LSS;
      case LESS_EQUAL -> BinaryOp.LTE;
      case GREATER -> BinaryOp.GTR;
      case GREATER_EQUAL -> BinaryOp.GTE;
      case IDENTIFIER -> binaryWord(t.text().toLowerCase(Locale.ROOT));
      default -> null;
    };
  }

  private static BinaryOp binaryWord(String lower) {
    return switch (lower) {
      case "and" -> BinaryOp.AND;
      case "or" -> BinaryOp.OR;
      case "unless" -> BinaryOp.UNLESS;
      case "atan2" -> BinaryOp.ATAN2;
      default -> null;
    };
  }

  private Expr unary() {
    Token t = peek();
    if (t.kind() == Kind.PLUS || t.kind() == Kind.MINUS) {
      next();
      Expr operand = expr(BinaryOp.UNARY_PRECEDENCE + 1);
      ValueType type = operand.type();
      if (type != ValueType.SCALAR && type != ValueType.VECTOR) {
        throw error(
            t.start(),
            "unary expression only allowed on expressions of type scalar or instant vector, got "
                + Printer.quote(type.description()));
      }
      return new Unary(t.kind() == Kind.MINUS, operand, from(t.start()));
    }
    return new Postfix(this).apply(primary());
  }

  // ---- primary expressions

  private Expr primary() {
    if (peek().kind() == Kind.LEFT_BRACE) {
      return Selectors.selector(this, "", peek().start());
    }
    Token t = next();
    return switch (t.kind()) {
      case NUMBER -> new NumberLiteral(Literals.number(t.text()), from(t.start()));
      case DURATION -> {
        Duration d = Literals.duration(t.text());
        if (d == null) {
          throw error(t.start(), "duration out of range: " + Printer.quote(t.text()));
        }
        yield new NumberLiteral(d.toMillis() / 1000.0, from(t.start()));
      }
      case STRING -> new StringLiteral(t.value(), from(t.start()));
      case LEFT_PAREN -> {
        Expr inner = expr(0);
        expect(Kind.RIGHT_PAREN, "paren expression");
        yield new Paren(inner, from(t.start()));
      }
      case IDENTIFIER -> identifier(t);
      default -> throw unexpected(t, null, null);
    };
  }

  private Expr identifier(Token t) {
    String lower = t.text().toLowerCase(Locale.ROOT);
    if (lower.equals("inf")) {
      return new NumberLiteral(Double.POSITIVE_INFINITY, from(t.start()));
    }
    if (lower.equals("nan")) {
      return new NumberLiteral(Double.NaN, from(t.start()));
    }
    AggregateOp agg = AggregateOp.fromName(lower);
    if (agg != null) {
      return aggregate(agg, t);
    }
    if (peek().kind() == Kind.LEFT_PAREN) {
      return call(t);
    }
    if (RESERVED.contains(lower)) {
      throw unexpected(t, null, null);
    }
    return Selectors.selector(this, t.text(), t.start());
  }

  private Expr call(Token name) {
    Function f = Functions.get(name.text());
    if (f == null) {
      throw error(name.start(), "unknown function with name " + Printer.quote(name.text()));
    }
    next();
    List<Expr> args = args("function call args");
    Checks.call(this, f, name, args);
    return new Call(f, args, from(name.start()));
  }

  private Expr aggregate(AggregateOp op, Token name) {
    List<String> grouping = null;
    boolean without = false;
    if (peek().isWord("by") || peek().isWord("without")) {
      without = next().isWord("without");
      grouping = labelList("grouping opts");
    }
    expect(Kind.LEFT_PAREN, "aggregation");
    List<Expr> args = args("aggregation");
    if (grouping == null && (peek().isWord("by") || peek().isWord("without"))) {
      without = next().isWord("without");
      grouping = labelList("grouping opts");
    }
    Checks.aggregate(this, op, name, args);
    Expr param = args.size() == 2 ? args.get(0) : null;
    return new Aggregate(
        op,
        param,
        args.get(args.size() - 1),
        grouping == null ? List.of() : grouping,
        without,
        from(name.start()));
  }

  /** Arguments after an opening parenthesis, through the closing one. */
  private List<Expr> args(String context) {
    List<Expr> args = new ArrayList<>();
    if (peek().kind() == Kind.RIGHT_PAREN) {
      next();
      return args;
    }
    while (true) {
      args.add(expr(0));
      Token t = peek();
      if (t.kind() == Kind.COMMA) {
        next();
        if (peek().kind() == Kind.RIGHT_PAREN) {
          throw error(t.start(), "trailing commas not allowed in " + context);
        }
      } else if (t.kind() == Kind.RIGHT_PAREN) {
        next();
        return args;
      } else {
        throw unexpected(t, context, "\",\" or \")\"");
      }
    }
  }

  /** A parenthesised, comma-separated list of label names (a trailing comma is allowed). */
  List<String> labelList(String context) {
    expect(Kind.LEFT_PAREN, context);
    List<String> labels = new ArrayList<>();
    while (peek().kind() != Kind.RIGHT_PAREN) {
      Token t = next();
      if (t.kind() == Kind.STRING) {
        labels.add(t.value());
      } else if (t.kind() == Kind.IDENTIFIER && t.text().indexOf(':') < 0) {
        labels.add(t.text());
      } else {
        throw unexpected(t, context, "label");
      }
      if (peek().kind() == Kind.COMMA) {
        next();
      } else if (peek().kind() != Kind.RIGHT_PAREN) {
        throw unexpected(peek(), context, "\",\" or \")\"");
      }
    }
    next();
    return List.copyOf(labels);
  }

  // ---- shared with Selectors and Postfix

  Token peekToken(int k) {
    return peek(k);
  }

  Token nextToken() {
    return next();
  }

  Token expectToken(Kind kind, String context) {
    return expect(kind, context);
  }

  PromqlParseException unexpectedToken(Token t, String context, String expected) {
    return unexpected(t, context, expected);
  }

  PositionRange rangeFrom(int start) {
    return from(start);
  }
}
