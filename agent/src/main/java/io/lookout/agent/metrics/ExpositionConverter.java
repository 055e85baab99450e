package io.lookout.agent.metrics;

import io.lookout.agent.metrics.Exposition.Family;
import io.lookout.agent.metrics.Exposition.Sample;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns parsed metric families into OTLP metrics such that Lookout's OTLP to Prometheus
 * translation gives back the scraped names: counters become monotonic cumulative sums named
 * without {@code _total} (the translation appends it), gauges gauges, untyped samples gauges
 * flagged {@code prometheus.type=unknown}, histograms explicit-bucket histograms (cumulative
 * {@code le} buckets turned into per-bucket counts), summaries summaries; gauge histograms,
 * infos and statesets become one gauge per sample name. An OpenMetrics unit is kept (as UCUM
 * where there is one) when the name ends with it, so the translation appends nothing.
 *
 * <p>Labels named like a target label ({@code job}, {@code instance} and the target's own) are
 * renamed {@code exported_<name>}, as Prometheus does without {@code honor_labels}; the target's
 * labels other than job and instance are added to every point.
 */
final class ExpositionConverter {
  private static final Map<String, String> UCUM = Map.ofEntries(
      Map.entry("seconds", "s"), Map.entry("milliseconds", "ms"), Map.entry("microseconds", "us"),
      Map.entry("nanoseconds", "ns"), Map.entry("bytes", "By"), Map.entry("meters", "m"), Map.entry("volts", "V"),
      Map.entry("amperes", "A"), Map.entry("joules", "J"), Map.entry("watts", "W"), Map.entry("grams", "g"),
      Map.entry("celsius", "Cel"), Map.entry("hertz", "Hz"));

  private static final KeyValue UNKNOWN_TYPE = KeyValue.newBuilder().setKey("prometheus.type")
      .setValue(AnyValue.newBuilder().setStringValue("unknown")).build();

  private final Map<String, String> targetLabels;

  /** @param targetLabels labels for every point (job and instance excluded: they are resource attributes) */
  ExpositionConverter(Map<String, String> targetLabels) {
    Map<String, String> copy = new LinkedHashMap<>(targetLabels);
    copy.remove("job");
    copy.remove("instance");
    this.targetLabels = copy;
  }

  List<Metric> convert(List<Family> families, long scrapeNanos) {
    List<Metric> out = new ArrayList<>(families.size());
    for (Family f : families) {
      switch (f.type()) {
        case COUNTER -> out.add(counter(f, scrapeNanos));
        case GAUGE -> out.add(gauges(f.name(), f, scrapeNanos, false));
        case UNKNOWN -> out.add(gauges(f.name(), f, scrapeNanos, true));
        case HISTOGRAM -> out.add(histogram(f, scrapeNanos));
        case SUMMARY -> out.add(summary(f, scrapeNanos));
        case GAUGE_HISTOGRAM, INFO, STATESET -> {
          Map<String, List<Sample>> byName = new LinkedHashMap<>();
          f.samples().forEach(s -> byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s));
          byName.forEach((name, samples) -> out.add(
              gauges(name, new Family(name, f.type(), f.help(), "", samples), scrapeNanos, false)));
        }
      }
    }
    return out;
  }

  private List<KeyValue> attributes(Map<String, String> labels) {
    List<KeyValue> out = new ArrayList<>(labels.size() + targetLabels.size());
    labels.forEach((k, v) -> {
      boolean clash = k.equals("job") || k.equals("instance") || targetLabels.containsKey(k);
      out.add(Otlp.attr(clash ? "exported_" + k : k, v));
    });
    targetLabels.forEach((k, v) -> out.add(Otlp.attr(k, v)));
    return out;
  }

  private static long time(Sample s, long scrapeNanos) {
    return s.timestampMillis() == Sample.NO_TIMESTAMP ? scrapeNanos : s.timestampMillis() * 1_000_000L;
  }

  /** The unit to declare: the UCUM form of an OpenMetrics unit the name ends with, else none. */
  private static String unit(String name, String unit) {
    if (unit.isEmpty() || !("_" + name + "_").contains("_" + unit + "_")) {
      return "";
    }
    return UCUM.getOrDefault(unit, unit);
  }

  private Metric gauges(String name, Family f, long scrapeNanos, boolean unknown) {
    List<NumberDataPoint> points = new ArrayList<>(f.samples().size());
    for (Sample s : f.samples()) {
      if (s.name().equals(name)) {
        points.add(Otlp.point(s.value(), attributes(s.labels()), 0, time(s, scrapeNanos)));
      }
    }
    Metric m = Otlp.gauge(name, unit(name, f.unit()), f.help(), points);
    return unknown ? m.toBuilder().addMetadata(UNKNOWN_TYPE).build() : m;
  }

  private Metric counter(Family f, long scrapeNanos) {
    String base = f.name().endsWith("_total") ? f.name().substring(0, f.name().length() - 6) : f.name();
    Map<Map<String, String>, Double> created = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().equals(base + "_created")) {
        created.put(new TreeMap<>(s.labels()), s.value());
      }
    }
    List<NumberDataPoint> points = new ArrayList<>();
    for (Sample s : f.samples()) {
      if (s.name().equals(base + "_created")) {
        continue;
      }
      Double start = created.get(new TreeMap<>(s.labels()));
      long startNanos = start == null ? 0 : (long) (start * 1e9);
      points.add(Otlp.point(s.value(), attributes(s.labels()), startNanos, time(s, scrapeNanos)));
    }
    return Otlp.sum(base, unit(base, f.unit()), f.help(), true, points);
  }

  /** Samples of one histogram or summary series (the labels without le / quantile). */
  private static final class Group {
    final Map<String, String> labels;
    final TreeMap<Double, Double> parts = new TreeMap<>(); // le or quantile -> value
    double sum = Double.NaN;
    double count = Double.NaN;
    double created = Double.NaN;
    long timeNanos = Long.MIN_VALUE;

    Group(Map<String, String> labels) {
      this.labels = labels;
    }
  }

  private static Map<Map<String, String>, Group> groups(Family f, String partLabel, long scrapeNanos) {
    Map<Map<String, String>, Group> groups = new LinkedHashMap<>();
    String n = f.name();
    for (Sample s : f.samples()) {
      Map<String, String> key = new TreeMap<>(s.labels());
      String part = key.remove(partLabel);
      Group g = groups.computeIfAbsent(key, k -> new Group(withoutPart(s.labels(), partLabel)));
      g.timeNanos = Math.max(g.timeNanos, time(s, scrapeNanos));
      String suffix = s.name().substring(n.length());
      switch (suffix) {
        case "_sum" -> g.sum = s.value();
        case "_count" -> g.count = s.value();
        case "_created" -> g.created = s.value();
        default -> {
          if (part != null) {
            g.parts.put(parseBound(part), s.value());
          }
        }
      }
    }
    return groups;
  }

  private static Map<String, String> withoutPart(Map<String, String> labels, String part) {
    Map<String, String> m = new LinkedHashMap<>(labels);
    m.remove(part);
    return m;
  }

  private static double parseBound(String s) {
    try {
      return ExpositionParser.parseFloat(s.trim());
    } catch (Exposition.ParseException e) {
      throw new NumberFormatException(e.getMessage());
    }
  }

  private Metric histogram(Family f, long scrapeNanos) {
    List<HistogramDataPoint> points = new ArrayList<>();
    for (Group g : groups(f, "le", scrapeNanos).values()) {
      HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder()
          .addAllAttributes(attributes(g.labels))
          .setTimeUnixNano(g.timeNanos)
          .setStartTimeUnixNano(Double.isNaN(g.created) ? 0 : (long) (g.created * 1e9));
      Double inf = g.parts.get(Double.POSITIVE_INFINITY);
      double count = !Double.isNaN(g.count) ? g.count : inf != null ? inf : 0;
      p.setCount(Math.round(count));
      if (!Double.isNaN(g.sum)) {
        p.setSum(g.sum);
      }
      if (!g.parts.isEmpty()) {
        double previous = 0;
        for (var e : g.parts.entrySet()) {
          if (e.getKey() == Double.POSITIVE_INFINITY) {
            break;
          }
          p.addExplicitBounds(e.getKey());
          p.addBucketCounts(Math.max(0, Math.round(e.getValue()) - Math.round(previous)));
          previous = e.getValue();
        }
        p.addBucketCounts(Math.max(0, Math.round(count) - Math.round(previous)));
      }
      points.add(p.build());
    }
    return Metric.newBuilder().setName(f.name()).setUnit(unit(f.name(), f.unit())).setDescription(f.help())
        .setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addAllDataPoints(points))
        .build();
  }

  private Metric summary(Family f, long scrapeNanos) {
    List<SummaryDataPoint> points = new ArrayList<>();
    for (Group g : groups(f, "quantile", scrapeNanos).values()) {
      SummaryDataPoint.Builder p = SummaryDataPoint.newBuilder()
          .addAllAttributes(attributes(g.labels))
          .setTimeUnixNano(g.timeNanos)
          .setStartTimeUnixNano(Double.isNaN(g.created) ? 0 : (long) (g.created * 1e9))
          .setCount(Double.isNaN(g.count) ? 0 : Math.round(g.count))
          .setSum(Double.isNaN(g.sum) ? 0 : g.sum);
      g.parts.forEach((q, v) -> p.addQuantileValues(
          SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(q).setValue(v)));
      points.add(p.build());
    }
    return Metric.newBuilder().setName(f.name()).setUnit(unit(f.name(), f.unit())).setDescription(f.help())
        .setSummary(Summary.newBuilder().addAllDataPoints(points))
        .build();
  }
}
