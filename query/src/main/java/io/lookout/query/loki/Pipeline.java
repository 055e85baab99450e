package io.lookout.query.loki;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lookout.model.LogRecord;
import io.lookout.query.loki.Logql.LabelFilter;
import io.lookout.query.loki.Logql.LineFilter;
import io.lookout.query.loki.Logql.LogExpr;
import io.lookout.query.loki.Logql.Matcher;
import io.lookout.query.loki.Logql.NumericFilter;
import io.lookout.query.loki.Logql.ParserStage;
import io.lookout.query.loki.Logql.Stage;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates a stream selector and its pipeline on one record. A record's stream labels are its
 * resource attributes with names sanitised ({@code host.name} becomes {@code host_name}) plus
 * {@code service_name} = its service; its attributes (structured metadata, names sanitised) are
 * visible to label filters but do not join the output labels; labels extracted by {@code json}
 * and {@code logfmt} join them ({@code _extracted} appended when the name is a stream label).
 */
final class Pipeline {
  static final String ERROR = "__error__";
  private static final JsonFactory JSON = new JsonFactory();

  private final LogExpr expr;

  Pipeline(LogExpr expr) {
    this.expr = expr;
  }

  /** A line that passed, with its output labels (sorted by name). */
  record Result(TreeMap<String, String> labels, String line) {}

  /** Sanitises a name as Loki does: every character outside [a-zA-Z0-9_] becomes '_'. */
  static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    if (!b.isEmpty() && b.charAt(0) >= '0' && b.charAt(0) <= '9') {
      b.insert(0, '_');
    }
    return b.toString();
  }

  /** The stream labels of a record; of two names that sanitise alike, the one first in sort order wins. */
  static TreeMap<String, String> streamLabels(LogRecord r) {
    TreeMap<String, String> out = new TreeMap<>();
    new TreeMap<>(r.resource()).forEach((k, v) -> {
      String s = text(v);
      if (v != null && !s.isEmpty()) {
        out.putIfAbsent(sanitize(k), s);
      }
    });
    out.put("service_name", r.service());
    return out;
  }

  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(v);
  }

  /** True when the stream labels match the selector. */
  boolean selects(Map<String, String> stream) {
    for (Matcher m : expr.matchers()) {
      if (!m.matches(stream.get(m.name()))) {
        return false;
      }
    }
    return true;
  }

  /** Runs the pipeline; null when the line is filtered out. */
  Result apply(LogRecord r) {
    TreeMap<String, String> stream = streamLabels(r);
    if (!selects(stream)) {
      return null;
    }
    String line = r.body();
    TreeMap<String, String> labels = null; // stream plus extracted, copied on first change
    Map<String, Object> metadata = r.attributes();
    for (Stage s : expr.stages()) {
      switch (s) {
        case LineFilter f -> {
          if (!f.test(line)) {
            return null;
          }
        }
        case ParserStage p -> {
          if (labels == null) {
            labels = new TreeMap<>(stream);
          }
          if (p.kind().equals("json")) {
            json(line, stream, labels);
          } else {
            logfmt(line, stream, labels);
          }
        }
        case LabelFilter f -> {
          if (!f.matcher().matches(lookup(f.matcher().name(), labels == null ? stream : labels, metadata))) {
            return null;
          }
        }
        case NumericFilter f -> {
          String v = lookup(f.name(), labels == null ? stream : labels, metadata);
          if (v == null) {
            return null;
          }
          double d;
          try {
            d = Double.parseDouble(v.trim());
          } catch (NumberFormatException e) {
            if (labels == null) {
              labels = new TreeMap<>(stream);
            }
            labels.putIfAbsent(ERROR, "LabelFilterErr");
            continue;
          }
          if (!f.test(d)) {
            return null;
          }
        }
      }
    }
    return new Result(labels == null ? stream : labels, line);
  }

  private static String lookup(String name, Map<String, String> labels, Map<String, Object> metadata) {
    String v = labels.get(name);
    if (v != null) {
      return v;
    }
    if (!metadata.isEmpty()) {
      Object o = metadata.get(name);
      if (o == null) {
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
          if (sanitize(e.getKey()).equals(name)) {
            o = e.getValue();
            break;
          }
        }
      }
      if (o != null) {
        return text(o);
      }
    }
    return null;
  }

  private static void put(Map<String, String> stream, Map<String, String> labels, String key, String value) {
    String k = sanitize(key);
    if (k.isEmpty()) {
      return;
    }
    if (stream.containsKey(k)) {
      k = k + "_extracted";
    }
    labels.put(k, value);
  }

  /** Loki's json parser without parameters: every scalar, nested names joined with '_'; arrays are skipped. */
  static void json(String line, Map<String, String> stream, Map<String, String> labels) {
    TreeMap<String, String> found = new TreeMap<>();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        labels.put(ERROR, "JSONParserErr");
        return;
      }
      walk(p, "", found);
      if (p.nextToken() != null) {
        labels.put(ERROR, "JSONParserErr");
        return;
      }
    } catch (IOException e) {
      labels.put(ERROR, "JSONParserErr");
      return;
    }
    found.forEach((k, v) -> put(stream, labels, k, v));
  }

  private static void walk(JsonParser p, String prefix, Map<String, String> out) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = prefix.isEmpty() ? p.currentName() : prefix + "_" + p.currentName();
      JsonToken t = p.nextToken();
      switch (t) {
        case START_OBJECT -> walk(p, name, out);
        case START_ARRAY -> p.skipChildren();
        case VALUE_NULL -> { }
        case VALUE_STRING -> out.put(name, p.getText());
        default -> out.put(name, p.getText()); // numbers as written, true, false
      }
    }
  }

  /** logfmt: {@code key=value key="quoted \" value" flag}; a later duplicate key wins. */
  static void logfmt(String line, Map<String, String> stream, Map<String, String> labels) {
    TreeMap<String, String> found = new TreeMap<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && line.charAt(i) <= ' ') {
        i++;
      }
      int ks = i;
      while (i < n && line.charAt(i) > ' ' && line.charAt(i) != '=' && line.charAt(i) != '"') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        labels.put(ERROR, "LogfmtParserErr");
        return;
      }
      String key = line.substring(ks, i);
      if (key.isEmpty()) {
        if (i < n && line.charAt(i) == '=') {
          labels.put(ERROR, "LogfmtParserErr");
          return;
        }
        continue;
      }
      String value = "";
      if (i < n && line.charAt(i) == '=') {
        i++;
        if (i < n && line.charAt(i) == '"') {
          StringBuilder b = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
              closed = true;
              i++;
              break;
            }
            if (c == '\\' && i + 1 < n) {
              char e = line.charAt(i + 1);
              b.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> e;
              });
              i += 2;
              continue;
            }
            b.append(c);
            i++;
          }
          if (!closed) {
            labels.put(ERROR, "LogfmtParserErr");
            return;
          }
          value = b.toString();
        } else {
          int vs = i;
          while (i < n && line.charAt(i) > ' ') {
            if (line.charAt(i) == '"' || line.charAt(i) == '=') {
              labels.put(ERROR, "LogfmtParserErr");
              return;
            }
            i++;
          }
          value = line.substring(vs, i);
        }
      }
      found.put(key, value);
    }
    found.forEach((k, v) -> put(stream, labels, k, v));
  }
}
