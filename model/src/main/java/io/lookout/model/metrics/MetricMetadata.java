package io.lookout.model.metrics;

import java.util.Locale;
import java.util.Objects;

/**
 * Type, unit and help of a metric family, as Prometheus's metadata API reports them.
 *
 * @param familyName the family name (for histograms and summaries without the {@code _bucket},
 *     {@code _sum}, {@code _count} suffixes)
 * @param unit the Prometheus unit word (for example {@code seconds}), empty when none
 * @param help the description, empty when none
 */
public record MetricMetadata(String familyName, Type type, String unit, String help) {
  public MetricMetadata {
    Objects.requireNonNull(familyName, "familyName");
    type = Objects.requireNonNullElse(type, Type.UNKNOWN);
    unit = Objects.requireNonNullElse(unit, "");
    help = Objects.requireNonNullElse(help, "");
  }

  /** Prometheus metric types, numbered as in remote_write's {@code MetricMetadata.MetricType}. */
  public enum Type {
    UNKNOWN,
    COUNTER,
    GAUGE,
    HISTOGRAM,
    GAUGEHISTOGRAM,
    SUMMARY,
    INFO,
    STATESET;

    /** The lowercase name the Prometheus API uses ({@code counter}, {@code gaugehistogram}...). */
    public String promName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The type for a remote_write enum number; {@link #UNKNOWN} for numbers not defined. */
    public static Type ofNumber(int number) {
      Type[] all = values();
      return number >= 0 && number < all.length ? all[number] : UNKNOWN;
    }
  }
}
