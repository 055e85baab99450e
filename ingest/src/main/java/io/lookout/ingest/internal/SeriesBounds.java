package io.lookout.ingest.internal;

import io.lookout.model.LookoutException;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.SeriesBatch;

/**
 * Bounds on the labels of every ingested series (remote_write and OTLP metrics): a series with
 * too many labels, or a label name or value too long, fails its request with 400 naming the
 * series, the bound and what is allowed.
 */
public final class SeriesBounds {
  /** Labels of one series at most, {@code __name__} included. */
  public static final int MAX_LABELS = 64;
  /** Characters of one label name at most. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** Characters of one label value at most. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private SeriesBounds() {}

  /**
   * @throws LookoutException bad_data for the first series out of bounds
   */
  public static void check(SeriesBatch batch) {
    for (SeriesBatch.Series s : batch.series()) {
      check(s.labels());
    }
  }

  static void check(Labels labels) {
    if (labels.size() > MAX_LABELS) {
      throw LookoutException.badData("series " + metric(labels) + " has " + labels.size() + " labels, more than the"
          + " limit of " + MAX_LABELS + ": drop or merge attributes before sending");
    }
    for (Labels.Label l : labels.list()) {
      if (l.name().length() > MAX_NAME_LENGTH) {
        throw LookoutException.badData("series " + metric(labels) + " has a label name of " + l.name().length()
            + " characters, more than the limit of " + MAX_NAME_LENGTH + ": use shorter label names");
      }
      if (l.value().length() > MAX_VALUE_LENGTH) {
        throw LookoutException.badData("series " + metric(labels) + " has a value of " + l.value().length()
            + " characters for label '" + abbreviate(l.name()) + "', more than the limit of " + MAX_VALUE_LENGTH
            + ": use shorter label values (put long text in logs)");
      }
    }
  }

  private static String metric(Labels labels) {
    String name = labels.metricName();
    return name == null || name.isEmpty() ? "{...}" : "'" + abbreviate(name) + "'";
  }

  private static String abbreviate(String v) {
    return v.length() > 64 ? v.substring(0, 64) + "..." : v;
  }
}
