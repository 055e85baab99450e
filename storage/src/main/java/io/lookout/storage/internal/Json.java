package io.lookout.storage.internal;

import java.util.Collection;
import java.util.Map;

/** Compact JSON rendering of attribute values, for indexing lists and maps as keywords. */
public final class Json {
  private Json() {}

  /** The string form an attribute value is indexed and counted by. */
  public static String indexForm(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Collection<?> || v instanceof Map<?, ?>) {
      StringBuilder sb = new StringBuilder();
      write(sb, v);
      return sb.toString();
    }
    return String.valueOf(v);
  }

  static void write(StringBuilder sb, Object v) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> quote(sb, s);
      case Number n -> sb.append(n);
      case Boolean b -> sb.append(b);
      case Collection<?> c -> {
        sb.append('[');
        boolean first = true;
        for (Object o : c) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          write(sb, o);
        }
        sb.append(']');
      }
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          quote(sb, String.valueOf(e.getKey()));
          sb.append(':');
          write(sb, e.getValue());
        }
        sb.append('}');
      }
      default -> quote(sb, v.toString());
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
