package io.lookout.agent.parse;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Maps level words to OTLP severity numbers and finds them in text. */
public final class Severities {
  private static final Map<String, Integer> LEVELS = new HashMap<>();

  static {
    put(1, "TRACE", "FINEST", "FINER");
    put(5, "DEBUG", "FINE", "DBG");
    put(9, "INFO", "INFORMATION", "NOTICE", "CONFIG", "INF");
    put(13, "WARN", "WARNING", "WRN");
    put(17, "ERROR", "ERR", "SEVERE", "CRIT", "CRITICAL", "ALERT");
    put(21, "FATAL", "PANIC", "EMERG", "EMERGENCY");
  }

  private static void put(int n, String... words) {
    for (String w : words) {
      LEVELS.put(w, n);
    }
  }

  private Severities() {}

  /** Severity number of a level word or syslog/OTLP number; 0 when unknown. */
  public static int number(Object value) {
    if (value instanceof Number n) {
      int i = n.intValue();
      return i >= 1 && i <= 24 ? i : 0;
    }
    String s = value.toString().trim();
    Integer n = LEVELS.get(s.toUpperCase(Locale.ROOT));
    if (n != null) {
      return n;
    }
    if (s.length() > 1 && s.length() <= 2 && Character.isDigit(s.charAt(0))) {
      try {
        int i = Integer.parseInt(s);
        return i >= 1 && i <= 24 ? i : 0;
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /**
   * Finds a level word (TRACE, DEBUG, INFO, NOTICE, WARN, WARNING, ERROR, FATAL, ...) as a whole
   * word in the first 64 characters; returns the word's severity number, 0 when none.
   * Upper-case words and lower-case words in brackets ({@code [error]}) count.
   */
  public static int find(String text, String[] wordOut) {
    int n = Math.min(text.length(), 64);
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!Character.isLetter(c)) {
        i++;
        continue;
      }
      int s = i;
      while (i < n && Character.isLetter(text.charAt(i))) {
        i++;
      }
      int len = i - s;
      if (len >= 3 && len <= 11) {
        boolean upper = Character.isUpperCase(text.charAt(s)) && Character.isUpperCase(text.charAt(i - 1));
        boolean bracketed = s > 0 && (text.charAt(s - 1) == '[' || text.charAt(s - 1) == '<')
            && i < text.length() && (text.charAt(i) == ']' || text.charAt(i) == '>');
        if (upper || bracketed) {
          String w = text.substring(s, i);
          Integer num = LEVELS.get(upper ? w : w.toUpperCase(Locale.ROOT));
          if (num != null) {
            wordOut[0] = w.toUpperCase(Locale.ROOT);
            return num;
          }
        }
      }
    }
    return 0;
  }
}
