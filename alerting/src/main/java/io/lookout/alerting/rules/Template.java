package io.lookout.alerting.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of Go's text/template that Prometheus alert labels and annotations use:
 * {@code {{ $labels.x }}}, {@code {{ $value }}}, {@code {{ $externalLabels.x }}} (also
 * {@code .Labels.x}, {@code .Value}), pipes ({@code {{ $value | humanize }}}), calls
 * ({@code {{ humanize $value }}}, {@code printf "%.2f" $value}), string and number literals,
 * trim markers ({@code {{- -}}}) and comments. Functions: humanize, humanize1024,
 * humanizeDuration, humanizePercentage, humanizeTimestamp, printf, toUpper, toLower, title.
 * Control actions (if, range, with) and {@code query} are not supported: as Prometheus does with
 * a failing template, the output is then {@code <error expanding template: ...>}.
 */
public final class Template {
  private final String source;
  private final List<Object> parts; // String text or Action
  private final boolean plain;

  private record Action(String text) {}

  private Template(String source, List<Object> parts) {
    this.source = source;
    this.parts = parts;
    this.plain = parts.stream().allMatch(p -> p instanceof String);
  }

  /**
   * Splits a template into text and actions.
   *
   * @throws IllegalArgumentException when an action is not closed
   */
  public static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    int i = 0;
    StringBuilder pending = new StringBuilder();
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        pending.append(text, i, text.length());
        break;
      }
      pending.append(text, i, open);
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed action '{{' at offset " + open + ": close it with '}}'");
      }
      String inner = text.substring(open + 2, close);
      if (inner.startsWith("- ") || inner.equals("-")) {
        trimRight(pending);
        inner = inner.substring(1);
      }
      boolean trimAfter = inner.endsWith(" -") || inner.equals("-");
      if (trimAfter) {
        inner = inner.substring(0, inner.length() - 1);
      }
      parts.add(pending.toString());
      pending.setLength(0);
      String t = inner.trim();
      if (!(t.startsWith("/*") && t.endsWith("*/"))) {
        parts.add(new Action(t));
      }
      i = close + 2;
      if (trimAfter) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
          i++;
        }
      }
    }
    parts.add(pending.toString());
    parts.removeIf(p -> p instanceof String s && s.isEmpty());
    return new Template(text, List.copyOf(parts));
  }

  public String source() {
    return source;
  }

  /** Expands with the alert's labels and value; a failing action makes the whole result an error text. */
  public String expand(Map<String, String> labels, double value, Map<String, String> externalLabels) {
    if (plain) {
      return String.join("", parts.stream().map(String::valueOf).toList());
    }
    StringBuilder out = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.append(s);
        continue;
      }
      try {
        out.append(print(new Eval(labels, value, externalLabels).pipeline(((Action) p).text())));
      } catch (IllegalArgumentException e) {
        return "<error expanding template: " + e.getMessage() + ">";
      }
    }
    return out.toString();
  }

  private static void trimRight(StringBuilder sb) {
    int n = sb.length();
    while (n > 0 && Character.isWhitespace(sb.charAt(n - 1))) {
      n--;
    }
    sb.setLength(n);
  }

  static String print(Object o) {
    if (o instanceof Double d) {
      return GoFormat.v(d);
    }
    return String.valueOf(o);
  }

  private record Eval(Map<String, String> labels, double value, Map<String, String> external) {
    Object pipeline(String text) {
      List<List<String>> commands = new ArrayList<>();
      List<String> current = new ArrayList<>();
      for (String tok : tokenize(text)) {
        if (tok.equals("|")) {
          commands.add(current);
          current = new ArrayList<>();
        } else {
          current.add(tok);
        }
      }
      commands.add(current);
      Object result = null;
      boolean first = true;
      for (List<String> cmd : commands) {
        if (cmd.isEmpty()) {
          throw new IllegalArgumentException("missing command in '" + text + "'");
        }
        List<Object> extra = first ? List.of() : List.of(result);
        result = command(cmd, extra);
        first = false;
      }
      return result;
    }

    private Object command(List<String> cmd, List<Object> piped) {
      String head = cmd.get(0);
      if (isIdentifier(head)) {
        List<Object> args = new ArrayList<>();
        for (String a : cmd.subList(1, cmd.size())) {
          args.add(operand(a));
        }
        args.addAll(piped);
        return call(head, args);
      }
      if (cmd.size() != 1 || !piped.isEmpty()) {
        throw new IllegalArgumentException("can't give argument to non-function " + head);
      }
      return operand(head);
    }

    private Object operand(String tok) {
      if (tok.startsWith("\"") || tok.startsWith("`")) {
        return unquote(tok);
      }
      if (tok.equals("$value") || tok.equals(".Value")) {
        return value;
      }
      for (String[] prefix : new String[][] {{"$labels", "L"}, {".Labels", "L"}, {"$externalLabels", "E"},
          {".ExternalLabels", "E"}}) {
        if (tok.equals(prefix[0])) {
          return prefix[1].equals("L") ? labels : external;
        }
        if (tok.startsWith(prefix[0] + ".")) {
          String v = (prefix[1].equals("L") ? labels : external).get(tok.substring(prefix[0].length() + 1));
          return v == null ? "<no value>" : v;
        }
      }
      try {
        return Double.parseDouble(tok);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("unsupported operand '" + tok + "'");
      }
    }

    private static Object call(String fn, List<Object> args) {
      switch (fn) {
        case "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
            "toUpper", "toLower", "title" -> {
          if (args.size() != 1) {
            throw new IllegalArgumentException("wrong number of args for " + fn + ": want 1 got " + args.size());
          }
        }
        case "printf" -> {
          if (args.isEmpty()) {
            throw new IllegalArgumentException("wrong number of args for printf: want at least 1 got 0");
          }
        }
        case "if", "range", "with", "else", "end", "define", "template", "block", "query" ->
            throw new IllegalArgumentException("the template action or function '" + fn + "' is not supported");
        default -> throw new IllegalArgumentException("function \"" + fn + "\" not defined");
      }
      Object a = args.get(0);
      return switch (fn) {
        case "humanize" -> Humanize.humanize(number(a));
        case "humanize1024" -> Humanize.humanize1024(number(a));
        case "humanizeDuration" -> Humanize.duration(number(a));
        case "humanizePercentage" -> Humanize.percentage(number(a));
        case "humanizeTimestamp" -> humanizeTimestamp(number(a));
        case "toUpper" -> print(a).toUpperCase(Locale.ROOT);
        case "toLower" -> print(a).toLowerCase(Locale.ROOT);
        case "title" -> title(print(a));
        default -> Printf.format(print(a), args.subList(1, args.size()));
      };
    }

    private static String humanizeTimestamp(double seconds) {
      if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        return GoFormat.g(seconds, 4);
      }
      long nanos = Math.round(seconds * 1e9);
      return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
          .toString().replace('T', ' ').replace("Z", " +0000 UTC");
    }

    private static String title(String s) {
      StringBuilder sb = new StringBuilder(s.length());
      boolean start = true;
      for (char c : s.toCharArray()) {
        sb.append(start ? Character.toTitleCase(c) : c);
        start = !Character.isLetterOrDigit(c);
      }
      return sb.toString();
    }

    static double number(Object o) {
      if (o instanceof Double d) {
        return d;
      }
      try {
        return Double.parseDouble(String.valueOf(o).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("can't convert '" + o + "' to a number");
      }
    }
  }

  private static boolean isIdentifier(String tok) {
    return !tok.isEmpty() && Character.isLetter(tok.charAt(0)) && tok.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_');
  }

  private static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '|') {
        out.add("|");
        i++;
      } else if (c == '"' || c == '`') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          j += c == '"' && s.charAt(j) == '\\' ? 2 : 1;
        }
        if (j >= s.length()) {
          throw new IllegalArgumentException("unterminated quoted string in '" + s + "'");
        }
        out.add(s.substring(i, j + 1));
        i = j + 1;
      } else if (c == '(' || c == ')') {
        throw new IllegalArgumentException("parenthesized pipelines are not supported in '" + s + "'");
      } else {
        int j = i;
        while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && s.charAt(j) != '|') {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    return out;
  }

  private static String unquote(String tok) {
    String body = tok.substring(1, tok.length() - 1);
    if (tok.charAt(0) == '`') {
      return body;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        sb.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
