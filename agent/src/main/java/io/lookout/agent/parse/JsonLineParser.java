package io.lookout.agent.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code parser: json}: a JSON object per record. Fields become attributes (nested objects
 * flattened with dots, arrays kept as lists); {@code message}, {@code msg}, {@code log} or
 * {@code body} becomes the body.
 */
public final class JsonLineParser implements LineParser {
  private static final JsonFactory JSON = new JsonFactory();
  static final String[] BODY_KEYS = {"message", "msg", "log", "body"};

  @Override
  public boolean parse(String text, Event into) {
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i == text.length() || text.charAt(i) != '{') {
      return false;
    }
    Map<String, Object> attrs = into.attributes();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      object(p, "", attrs, 0);
    } catch (IOException | RuntimeException e) {
      attrs.clear();
      return false;
    }
    Object body = into.take(BODY_KEYS);
    into.body = body == null ? "" : body.toString();
    return true;
  }

  private static void object(JsonParser p, String prefix, Map<String, Object> out, int depth) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT && depth < 8) {
        object(p, key, out, depth + 1);
      } else {
        Object v = value(p, t, depth);
        if (v != null) {
          out.put(key, v);
        }
      }
    }
  }

  private static Object value(JsonParser p, JsonToken t, int depth) throws IOException {
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          if (e == JsonToken.START_OBJECT || e == JsonToken.START_ARRAY) {
            p.skipChildren();
            continue;
          }
          Object v = value(p, e, depth + 1);
          if (v != null) {
            list.add(v);
          }
        }
        yield list;
      }
      case START_OBJECT -> {
        p.skipChildren();
        yield null;
      }
      default -> null;
    };
  }
}
