package io.lookout.query.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lookout.model.LookoutException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsers of the trace search filters: {@code key=value} attribute lists (logfmt-like, values may
 * be double-quoted), Jaeger's {@code tags} (a JSON object or the same {@code key=value} list) and
 * {@code tag=key:value}, and span status names.
 */
public final class TraceFilters {
  /** Attribute filters one search accepts at most. */
  public static final int MAX_ATTRIBUTES = 64;
  /** Tags are a flat object: a small nesting bound keeps hostile input cheap (400, not a deep parse). */
  private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(8).build())
      .build());

  private TraceFilters() {}

  /**
   * Parses every value of a repeated parameter as space-separated {@code key=value} pairs; a
   * value may be double-quoted ({@code http.route="/a b"}, with {@code \"} and {@code \\}
   * escapes). The same key twice with different values is an error (no span could match).
   */
  public static Map<String, String> keyValues(String param, List<String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String v : values) {
      parseKeyValues(param, v, out);
    }
    return out;
  }

  /**
   * Jaeger's {@code tags} (each a JSON object of strings, or {@code key=value} pairs) and
   * {@code tag} ({@code key:value}) parameters, merged.
   */
  public static Map<String, String> jaegerTags(List<String> tags, List<String> tag) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : tags) {
      String v = t.trim();
      if (v.startsWith("{")) {
        parseJsonTags(v, out);
      } else {
        parseKeyValues("tags", v, out);
      }
    }
    for (String t : tag) {
      int colon = t.indexOf(':');
      if (colon <= 0) {
        throw LookoutException.badData("invalid tag '" + Params.abbreviate(t)
            + "': use key:value, e.g. tag=http.status_code:500");
      }
      put("tag", out, t.substring(0, colon).trim(), t.substring(colon + 1));
    }
    return out;
  }

  /** {@code error}, {@code ok} or {@code unset} (any case) as an OTLP status code; null when absent. */
  public static Integer status(String v) {
    if (v == null) {
      return null;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "error" -> 2;
      case "ok" -> 1;
      case "unset" -> 0;
      default -> throw LookoutException.badData("invalid status '" + Params.abbreviate(v)
          + "': use error, ok or unset");
    };
  }

  private static void parseJsonTags(String v, Map<String, String> out) {
    JsonNode node;
    try {
      node = MAPPER.readTree(v);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw LookoutException.badData("invalid tags '" + Params.abbreviate(v)
          + "': use a JSON object of strings such as {\"http.status_code\":\"500\"}, or key=value pairs");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode value = e.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw LookoutException.badData("invalid tags: the value of '" + Params.abbreviate(e.getKey())
            + "' must be a string, number or boolean");
      }
      put("tags", out, e.getKey(), value.asText());
    }
  }

  private static void parseKeyValues(String param, String v, Map<String, String> out) {
    int i = 0;
    int n = v.length();
    while (true) {
      while (i < n && Character.isWhitespace(v.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return;
      }
      int keyStart = i;
      while (i < n && v.charAt(i) != '=' && !Character.isWhitespace(v.charAt(i)) && v.charAt(i) != '"') {
        i++;
      }
      String key = v.substring(keyStart, i);
      if (key.isEmpty() || i >= n || v.charAt(i) != '=') {
        throw LookoutException.badData("invalid " + param + " '" + Params.abbreviate(v) + "': expected key=value at '"
            + Params.abbreviate(v.substring(keyStart)) + "'; separate pairs with spaces and quote values"
            + " with spaces: http.route=\"/a b\"");
      }
      i++;
      StringBuilder value = new StringBuilder();
      if (i < n && v.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = v.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(v.charAt(i++));
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw LookoutException.badData("invalid " + param + " '" + Params.abbreviate(v)
              + "': the quoted value of '" + Params.abbreviate(key) + "' has no closing quote");
        }
        if (i < n && !Character.isWhitespace(v.charAt(i))) {
          throw LookoutException.badData("invalid " + param + " '" + Params.abbreviate(v)
              + "': put a space after the closing quote of '" + Params.abbreviate(key) + "'");
        }
      } else {
        while (i < n && !Character.isWhitespace(v.charAt(i))) {
          value.append(v.charAt(i++));
        }
      }
      put(param, out, key, value.toString());
    }
  }

  private static void put(String param, Map<String, String> out, String key, String value) {
    if (key.isEmpty()) {
      throw LookoutException.badData("invalid " + param + ": a key is empty; use key=value");
    }
    String old = out.putIfAbsent(key, value);
    if (old != null && !old.equals(value)) {
      throw LookoutException.badData("invalid " + param + ": '" + Params.abbreviate(key)
          + "' is given twice with different values; a span has one value per key");
    }
    if (out.size() > MAX_ATTRIBUTES) {
      throw LookoutException.badData("invalid " + param + ": more than " + MAX_ATTRIBUTES
          + " attribute filters; use fewer");
    }
  }
}
