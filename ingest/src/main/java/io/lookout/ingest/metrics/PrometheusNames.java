package io.lookout.ingest.metrics;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Metric and label names, unit words and number formatting of the OTLP to Prometheus rules
 * (opentelemetry-specification {@code compatibility/prometheus_and_openmetrics.md}, "OTLP Metric
 * points to Prometheus").
 */
final class PrometheusNames {
  /** How a metric's type affects its name. */
  enum Kind {
    /** Monotonic sums: {@code _total} suffix. */
    COUNTER,
    /** Gauges and non-monotonic sums: unit {@code 1} becomes {@code ratio}. */
    GAUGE,
    /** Histograms and summaries: the family name; suffixes are added per series. */
    OTHER
  }

  // OTLP (UCUM) unit abbreviations and their Prometheus words
  private static final Map<String, String> UNITS = Map.ofEntries(
      Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
      Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
      Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
      Map.entry("GiBy", "gibibytes"), Map.entry("TiBy", "tibibytes"), Map.entry("KBy", "kilobytes"),
      Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"), Map.entry("TBy", "terabytes"),
      Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"), Map.entry("J", "joules"),
      Map.entry("W", "watts"), Map.entry("g", "grams"), Map.entry("Cel", "celsius"), Map.entry("Hz", "hertz"),
      Map.entry("%", "percent"));

  // units after '/', singular
  private static final Map<String, String> PER_UNITS = Map.of(
      "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

  private PrometheusNames() {}

  /**
   * The Prometheus metric (family) name: invalid characters replaced by {@code _}, runs of
   * {@code _} collapsed, a leading digit prefixed with {@code _}, the unit word appended unless
   * the name already contains it, and {@code _total} for counters (after the unit).
   *
   * @return the name, or the empty string when nothing valid is left
   */
  static String metricName(String otelName, String otelUnit, Kind kind) {
    NameKey key = new NameKey(otelName, otelUnit, kind);
    String cached = METRIC_NAMES.get(key);
    if (cached == null) {
      cached = remember(METRIC_NAMES, key, computeMetricName(otelName, otelUnit, kind));
    }
    return cached;
  }

  /** Names are pure functions of their inputs, which repeat in every export: computed once each. */
  private record NameKey(String name, String unit, Kind kind) {}

  /** Distinct inputs remembered per cache, at most; past that a cache starts over. */
  private static final int MAX_CACHED = 10_000;
  private static final java.util.concurrent.ConcurrentHashMap<NameKey, String> METRIC_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<NameKey, String> UNIT_WORDS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<String, String> LABEL_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static <K> String remember(java.util.concurrent.ConcurrentHashMap<K, String> cache, K key, String value) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, value);
    return value;
  }

  private static String computeMetricName(String otelName, String otelUnit, Kind kind) {
    String name = sanitize(otelName, true);
    if (name.isEmpty()) {
      return "";
    }
    if (kind == Kind.COUNTER && name.endsWith("_total")) {
      name = name.substring(0, name.length() - "_total".length());
    }
    String unit = unitWords(otelUnit, kind);
    if (!unit.isEmpty() && !containsTokens(name, unit)) {
      name = name + "_" + unit;
    }
    if (kind == Kind.COUNTER) {
      name = name + "_total";
    }
    return name;
  }

  /**
   * The Prometheus unit for an OTLP unit: {@code {annotations}} dropped, abbreviations as words,
   * {@code a/b} as {@code a_per_b}, {@code 1} as {@code ratio} for gauges (nothing otherwise);
   * empty when unitless.
   */
  static String unitWords(String otelUnit, Kind kind) {
    if (otelUnit == null) {
      return "";
    }
    NameKey key = new NameKey("", otelUnit, kind);
    String cached = UNIT_WORDS.get(key);
    return cached != null ? cached : remember(UNIT_WORDS, key, computeUnitWords(otelUnit, kind));
  }

  private static String computeUnitWords(String otelUnit, Kind kind) {
    String u = otelUnit.replaceAll("\\{[^}]*}", "").trim();
    if (u.isEmpty()) {
      return "";
    }
    if (u.equals("1")) {
      return kind == Kind.GAUGE ? "ratio" : "";
    }
    int slash = u.indexOf('/');
    String main = slash < 0 ? u : u.substring(0, slash).trim();
    String per = slash < 0 ? "" : u.substring(slash + 1).trim();
    String mainWord = main.isEmpty() || main.equals("1") ? "" : sanitize(UNITS.getOrDefault(main, main), false);
    String perWord = per.isEmpty() ? "" : sanitize(PER_UNITS.getOrDefault(per, UNITS.getOrDefault(per, per)), false);
    String result;
    if (perWord.isEmpty()) {
      result = mainWord;
    } else if (mainWord.isEmpty()) {
      result = "per_" + perWord;
    } else {
      result = mainWord + "_per_" + perWord;
    }
    return trimUnderscores(result);
  }

  /**
   * A Prometheus label name for an attribute key: characters other than {@code [a-zA-Z0-9_]}
   * replaced by {@code _}, runs of {@code _} collapsed (so no name can use the reserved
   * {@code __} prefix), {@code key_} prefixed to a leading digit.
   *
   * @return the name, or the empty string when the key is empty
   */
  static String labelName(String key) {
    String cached = LABEL_NAMES.get(key);
    return cached != null ? cached : remember(LABEL_NAMES, key, computeLabelName(key));
  }

  private static String computeLabelName(String key) {
    String s = sanitize(key, false);
    if (!s.isEmpty() && s.charAt(0) >= '0' && s.charAt(0) <= '9') {
      s = "key_" + s;
    }
    return s;
  }

  /**
   * A float as Prometheus writes {@code le} and {@code quantile} values and as Go's
   * {@code FormatFloat(f, 'f', -1, 64)} does: the shortest digits that read back exactly, no
   * exponent, {@code +Inf}, {@code -Inf}, {@code NaN}.
   */
  static String formatFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private static String sanitize(String s, boolean metric) {
    if (s == null || s.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 1);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || (metric && c == ':');
      char out = ok ? c : '_';
      if (out == '_' && !sb.isEmpty() && sb.charAt(sb.length() - 1) == '_') {
        continue;
      }
      sb.append(out);
    }
    if (metric && sb.charAt(0) >= '0' && sb.charAt(0) <= '9') {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  private static String trimUnderscores(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '_') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '_') {
      b--;
    }
    return s.substring(a, b);
  }

  private static boolean containsTokens(String name, String unit) {
    return ("_" + name + "_").contains("_" + unit + "_");
  }
}
