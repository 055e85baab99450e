package io.lookout.query.promql.eval;

import com.google.re2j.Matcher;

/** Expands {@code $1}, {@code ${1}}, {@code $name} and {@code $$} the way Go's Regexp.Expand does. */
final class GoTemplate {
  private GoTemplate() {}

  static String expand(String template, Matcher m) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = template.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (next == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0 || !isName(template.substring(i + 2, close))) {
          out.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        end = close + 1;
      } else {
        end = i + 1;
        while (end < template.length() && isNameChar(template.charAt(end))) {
          end++;
        }
        if (end == i + 1) {
          out.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 1, end);
      }
      out.append(group(m, name));
      i = end;
    }
    return out.toString();
  }

  private static String group(Matcher m, String name) {
    String v = null;
    if (name.chars().allMatch(Character::isDigit)) {
      try {
        int n = Integer.parseInt(name);
        if (n <= m.groupCount()) {
          v = m.group(n);
        }
      } catch (NumberFormatException e) {
        v = null;
      }
    } else {
      try {
        v = m.group(name);
      } catch (IllegalArgumentException e) {
        v = null;
      }
    }
    return v == null ? "" : v;
  }

  private static boolean isName(String s) {
    return !s.isEmpty() && s.chars().allMatch(ch -> isNameChar((char) ch));
  }

  private static boolean isNameChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c) && c < 128;
  }
}
