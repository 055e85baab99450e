package io.lookout.agent.parse;

import java.util.Map;

/**
 * {@code parser: logfmt}: {@code key=value key2="quoted value" flag}. Values stay strings;
 * {@code msg} or {@code message} becomes the body. A record without any {@code key=value} pair
 * does not parse.
 */
public final class LogfmtParser implements LineParser {
  private static final String[] BODY_KEYS = {"msg", "message", "log", "body"};

  @Override
  public boolean parse(String text, Event into) {
    Map<String, Object> attrs = into.attributes();
    int n = text.length();
    int i = 0;
    boolean pairs = false;
    while (i < n) {
      while (i < n && text.charAt(i) <= ' ') {
        i++;
      }
      int ks = i;
      while (i < n && text.charAt(i) > ' ' && text.charAt(i) != '=' && text.charAt(i) != '"') {
        i++;
      }
      if (i == ks) {
        if (i < n) { // a stray quote or '=': not logfmt
          attrs.clear();
          return false;
        }
        break;
      }
      String key = text.substring(ks, i);
      if (i < n && text.charAt(i) == '=') {
        i++;
        if (i < n && text.charAt(i) == '"') {
          StringBuilder v = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char c = text.charAt(i++);
            if (c == '\\' && i < n) {
              char e = text.charAt(i++);
              v.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> e;
              });
            } else if (c == '"') {
              closed = true;
              break;
            } else {
              v.append(c);
            }
          }
          if (!closed) {
            attrs.clear();
            return false;
          }
          attrs.put(key, v.toString());
        } else {
          int vs = i;
          while (i < n && text.charAt(i) > ' ') {
            i++;
          }
          attrs.put(key, text.substring(vs, i));
        }
        pairs = true;
      } else if (i < n && text.charAt(i) == '"') {
        attrs.clear();
        return false;
      } else {
        attrs.put(key, Boolean.TRUE);
      }
    }
    if (!pairs) {
      attrs.clear();
      return false;
    }
    Object body = into.take(BODY_KEYS);
    into.body = body == null ? "" : body.toString();
    return true;
  }
}
