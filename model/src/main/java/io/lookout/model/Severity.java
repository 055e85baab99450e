package io.lookout.model;

/** OTLP severity numbers (1..24) and their short names. */
public final class Severity {
  private static final String[] NAMES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  private Severity() {}

  /**
   * The short name of a severity number as the OTel log data model defines the ranges (1-4
   * TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL); empty for 0 or out of
   * range.
   */
  public static String textOf(int number) {
    if (number < 1 || number > 24) {
      return "";
    }
    return NAMES[(number - 1) / 4];
  }
}
