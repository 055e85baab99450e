package io.lookout.agent.metrics;

import io.lookout.agent.metrics.Exposition.Family;
import io.lookout.agent.metrics.Exposition.ParseException;
import io.lookout.agent.metrics.Exposition.Sample;
import io.lookout.agent.metrics.Exposition.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the Prometheus text format 0.0.4 and the OpenMetrics 1.0 text format: {@code HELP},
 * {@code TYPE} and {@code UNIT} lines, samples with escaped label values, optional timestamps
 * (milliseconds in 0.0.4, seconds in OpenMetrics), {@code NaN} and {@code ±Inf}; exemplars are
 * read past and ignored. A sample whose name is not its family's name (plus one of the type's
 * suffixes) starts an untyped family, as Prometheus does. Any malformed line fails the whole
 * exposition with the line number.
 */
final class ExpositionParser {
  private final boolean openMetrics;
  private final int maxSamples;

  /**
   * @param openMetrics the body is OpenMetrics text (timestamps in seconds, {@code # EOF})
   * @param maxSamples samples allowed in one exposition; more fail it
   */
  ExpositionParser(boolean openMetrics, int maxSamples) {
    this.openMetrics = openMetrics;
    this.maxSamples = maxSamples;
  }

  /** A family being built. */
  private static final class Builder {
    final String name;
    Type type = Type.UNKNOWN;
    boolean typed;
    String help = "";
    String unit = "";
    final List<Sample> samples = new ArrayList<>();

    Builder(String name) {
      this.name = name;
    }
  }

  List<Family> parse(String text) throws ParseException {
    Map<String, Builder> families = new LinkedHashMap<>();
    Builder current = null;
    int samples = 0;
    int lineNo = 0;
    int pos = 0;
    int len = text.length();
    boolean eof = false;
    while (pos < len) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? len : nl;
      String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = end + 1;
      lineNo++;
      if (eof) {
        throw error(lineNo, "content after # EOF");
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        if (line.charAt(0) == '#') {
          String[] parts = line.split("[ \t]+", 4);
          if (parts.length == 2 && parts[0].equals("#") && parts[1].equals("EOF")) {
            eof = true;
            continue;
          }
          if (parts.length < 3 || !parts[0].equals("#")
              || !(parts[1].equals("HELP") || parts[1].equals("TYPE") || parts[1].equals("UNIT"))) {
            continue; // a plain comment
          }
          String name = parts[2];
          checkMetricName(name);
          String rest = parts.length > 3 ? parts[3] : "";
          Builder b = families.computeIfAbsent(name, Builder::new);
          switch (parts[1]) {
            case "HELP" -> b.help = unescapeHelp(rest);
            case "UNIT" -> b.unit = rest.trim();
            default -> {
              if (b.typed) {
                throw new ParseException("second TYPE line for " + name);
              }
              b.type = type(rest.trim());
              b.typed = true;
            }
          }
          current = b;
          continue;
        }
        Sample s = sample(line);
        if (++samples > maxSamples) {
          throw new ParseException("more than " + maxSamples + " samples (the limit per scrape)");
        }
        if (current == null || !belongs(current, s.name())) {
          current = familyOf(families, s.name());
        }
        current.samples.add(s);
      } catch (ParseException e) {
        throw error(lineNo, e.getMessage());
      } catch (RuntimeException e) {
        throw error(lineNo, "unreadable line (" + e.getMessage() + ")");
      }
    }
    if (openMetrics && !eof) {
      throw new ParseException("openmetrics exposition does not end with # EOF");
    }
    List<Family> out = new ArrayList<>(families.size());
    for (Builder b : families.values()) {
      if (!b.samples.isEmpty()) {
        out.add(new Family(b.name, b.type, b.help, b.unit, List.copyOf(b.samples)));
      }
    }
    return out;
  }

  private static final String[] SUFFIXES = {"_total", "_created", "_bucket", "_sum", "_count", "_gsum", "_gcount",
      "_info"};

  /** The declared family a sample belongs to, else a new untyped family of the sample's name. */
  private static Builder familyOf(Map<String, Builder> families, String sample) {
    Builder exact = families.get(sample);
    if (exact != null && belongs(exact, sample)) {
      return exact;
    }
    for (String suffix : SUFFIXES) {
      if (sample.endsWith(suffix)) {
        Builder b = families.get(sample.substring(0, sample.length() - suffix.length()));
        if (b != null && belongs(b, sample)) {
          return b;
        }
      }
    }
    return exact != null ? exact : families.computeIfAbsent(sample, Builder::new);
  }

  private static ParseException error(int line, String what) {
    return new ParseException("line " + line + ": " + what);
  }

  private static Type type(String s) throws ParseException {
    return switch (s) {
      case "counter" -> Type.COUNTER;
      case "gauge" -> Type.GAUGE;
      case "histogram" -> Type.HISTOGRAM;
      case "gaugehistogram" -> Type.GAUGE_HISTOGRAM;
      case "summary" -> Type.SUMMARY;
      case "info" -> Type.INFO;
      case "stateset" -> Type.STATESET;
      case "untyped", "unknown" -> Type.UNKNOWN;
      default -> throw new ParseException("unknown metric type '" + abbreviate(s) + "'");
    };
  }

  /** Whether a sample name is the family's name or the name plus a suffix of the family's type. */
  static boolean belongs(Builder b, String sample) {
    if (!sample.startsWith(b.name)) {
      return false;
    }
    String suffix = sample.substring(b.name.length());
    return switch (b.type) {
      case COUNTER -> suffix.isEmpty() || suffix.equals("_total") || suffix.equals("_created");
      case HISTOGRAM -> suffix.equals("_bucket") || suffix.equals("_sum") || suffix.equals("_count")
          || suffix.equals("_created");
      case GAUGE_HISTOGRAM -> suffix.equals("_bucket") || suffix.equals("_gsum") || suffix.equals("_gcount");
      case SUMMARY -> suffix.isEmpty() || suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_created");
      case INFO -> suffix.equals("_info") || suffix.isEmpty();
      default -> suffix.isEmpty();
    };
  }

  private Sample sample(String line) throws ParseException {
    int n = line.length();
    int i = 0;
    while (i < n && isNameChar(line.charAt(i), i == 0, true)) {
      i++;
    }
    if (i == 0) {
      throw new ParseException(line.charAt(0) == '{'
          ? "quoted (UTF-8) metric names are not supported"
          : "expected a metric name, found '" + abbreviate(line) + "'");
    }
    String name = line.substring(0, i);
    Map<String, String> labels = Map.of();
    i = skipBlanks(line, i);
    if (i < n && line.charAt(i) == '{') {
      labels = new LinkedHashMap<>();
      i = labels(line, i + 1, labels);
      i = skipBlanks(line, i);
    }
    int valueStart = i;
    while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    if (valueStart == i) {
      throw new ParseException("missing value for " + name);
    }
    double value = parseFloat(line.substring(valueStart, i));
    i = skipBlanks(line, i);
    long ts = Sample.NO_TIMESTAMP;
    if (i < n && line.charAt(i) != '#') {
      int tsStart = i;
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      String t = line.substring(tsStart, i);
      ts = openMetrics ? Math.round(parseFloat(t) * 1000.0) : parseLong(t);
      i = skipBlanks(line, i);
    }
    if (i < n && !(openMetrics && line.charAt(i) == '#')) {
      throw new ParseException("unexpected text after the value of " + name + ": '" + abbreviate(line.substring(i)) + "'");
    }
    return new Sample(name, labels, value, ts);
  }

  /** Reads {@code name="value",...}} from just after the brace; returns the index after the brace. */
  private static int labels(String line, int i, Map<String, String> out) throws ParseException {
    int n = line.length();
    StringBuilder sb = new StringBuilder();
    while (true) {
      i = skipBlanks(line, i);
      if (i >= n) {
        throw new ParseException("unterminated label set");
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int start = i;
      while (i < n && isNameChar(line.charAt(i), i == start, false)) {
        i++;
      }
      if (i == start) {
        throw new ParseException("expected a label name at column " + (i + 1));
      }
      String label = line.substring(start, i);
      i = skipBlanks(line, i);
      if (i >= n || line.charAt(i) != '=') {
        throw new ParseException("expected '=' after label " + label);
      }
      i = skipBlanks(line, i + 1);
      if (i >= n || line.charAt(i) != '"') {
        throw new ParseException("expected '\"' to open the value of label " + label);
      }
      i++;
      sb.setLength(0);
      boolean closed = false;
      while (i < n) {
        char c = line.charAt(i++);
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i >= n) {
            break;
          }
          char e = line.charAt(i++);
          switch (e) {
            case '\\' -> sb.append('\\');
            case '"' -> sb.append('"');
            case 'n' -> sb.append('\n');
            default -> throw new ParseException("invalid escape '\\" + e + "' in the value of label " + label);
          }
        } else {
          sb.append(c);
        }
      }
      if (!closed) {
        throw new ParseException("unterminated value of label " + label);
      }
      if (out.put(label, sb.toString()) != null) {
        throw new ParseException("label " + label + " appears twice");
      }
      i = skipBlanks(line, i);
      if (i < n && line.charAt(i) == ',') {
        i++;
      } else if (i < n && line.charAt(i) != '}') {
        throw new ParseException("expected ',' or '}' after the value of label " + label);
      }
    }
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isNameChar(char c, boolean first, boolean metric) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':')
        || (!first && c >= '0' && c <= '9');
  }

  private static void checkMetricName(String name) throws ParseException {
    for (int i = 0; i < name.length(); i++) {
      if (!isNameChar(name.charAt(i), i == 0, true)) {
        throw new ParseException("invalid metric name '" + abbreviate(name) + "'");
      }
    }
  }

  /** Go's ParseFloat as far as expositions use it: decimal and exponent forms, NaN, ±Inf. */
  static double parseFloat(String s) throws ParseException {
    String lower = s.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "nan":
        return Double.NaN;
      case "+inf", "inf", "+infinity", "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
        throw new ParseException("invalid number '" + abbreviate(s) + "'");
      }
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new ParseException("invalid number '" + abbreviate(s) + "'");
    }
  }

  private static long parseLong(String s) throws ParseException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ParseException("invalid timestamp '" + abbreviate(s) + "': milliseconds as an integer are allowed");
    }
  }

  private static String unescapeHelp(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        sb.append(e == 'n' ? '\n' : e);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
