package io.lookout.bench.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a raw loghub line apart: drops its original timestamp (the generator stamps fresh ones)
 * and reads the severity the line carries, if any.
 */
public final class LineParser {
  /** Leading timestamps of the loghub formats (Apache, HDFS, log4j, HealthApp, syslog, Spark). */
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "^(?:\\[[A-Z][a-z]{2} [A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2} \\d{4}] "
              + "|\\d{6} \\d{6} "
              + "|\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[,.]\\d+)? (?:- )?"
              + "|\\d{8}-\\d{1,2}:\\d{1,2}:\\d{1,2}:\\d{1,3}\\|"
              + "|[A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2} "
              + "|\\d{2}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} )");

  private static final String LEVELS =
      "TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL|CRIT|EMERG|ALERT";
  /** An upper-case level word near the start, a bracketed one ({@code [error]}) or syslog's "]: error:". */
  private static final Pattern LEVEL =
      Pattern.compile(
          "(?<![A-Za-z])(" + LEVELS + ")(?![A-Za-z])"
              + "|\\[((?i:" + LEVELS + "))]"
              + "|]: ((?i:" + LEVELS + ")):");

  private static final int LEVEL_WINDOW = 48;

  private LineParser() {}

  /** A parsed line: the text without its timestamp, and OTLP severity number and text. */
  public record Parsed(String text, int severityNumber, String severityText) {}

  /** Parses one line; severity 0 and empty text when the line names none. */
  public static Parsed parse(String line) {
    Matcher ts = TIMESTAMP.matcher(line);
    String text = ts.lookingAt() ? line.substring(ts.end()) : line;
    text = text.strip();
    Matcher lvl = LEVEL.matcher(text);
    lvl.region(0, Math.min(text.length(), LEVEL_WINDOW));
    if (!lvl.find()) {
      return new Parsed(text, 0, "");
    }
    String word = lvl.group(1) != null ? lvl.group(1) : lvl.group(2) != null ? lvl.group(2) : lvl.group(3);
    return switch (word.toUpperCase(Locale.ROOT)) {
      case "TRACE" -> new Parsed(text, 1, "TRACE");
      case "DEBUG" -> new Parsed(text, 5, "DEBUG");
      case "INFO" -> new Parsed(text, 9, "INFO");
      case "NOTICE" -> new Parsed(text, 10, "INFO");
      case "WARN", "WARNING" -> new Parsed(text, 13, "WARN");
      case "ERROR", "SEVERE" -> new Parsed(text, 17, "ERROR");
      default -> new Parsed(text, 21, "FATAL");
    };
  }
}
