package io.lookout.agent.metrics;

import java.util.List;
import java.util.Map;

/** The parsed content of one Prometheus text or OpenMetrics text exposition. */
final class Exposition {
  private Exposition() {}

  /** Metric family types of both formats ({@code untyped} of the 0.0.4 format is {@link #UNKNOWN}). */
  enum Type {
    COUNTER, GAUGE, HISTOGRAM, GAUGE_HISTOGRAM, SUMMARY, INFO, STATESET, UNKNOWN
  }

  /**
   * One sample line.
   *
   * @param labels in the order written (never containing {@code __name__})
   * @param timestampMillis the sample's own timestamp, or {@link #NO_TIMESTAMP}
   */
  record Sample(String name, Map<String, String> labels, double value, long timestampMillis) {
    static final long NO_TIMESTAMP = Long.MIN_VALUE;
  }

  /**
   * One metric family: samples of the family's name and its type's suffixes.
   *
   * @param unit the OpenMetrics {@code UNIT}, empty when not given
   */
  record Family(String name, Type type, String help, String unit, List<Sample> samples) {}

  /** An exposition that cannot be used; the message names the line. */
  static final class ParseException extends Exception {
    ParseException(String message) {
      super(message);
    }
  }
}
