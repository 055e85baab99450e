package io.lookout.ingest.metrics;

import io.lookout.ingest.metrics.PrometheusNames.Kind;
import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.MetricMetadata.Type;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.NativeHistogram.ResetHint;
import io.lookout.model.metrics.Sample;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Point conversion for one scope of one resource of one request. */
final class PointContext {
  private static final int NO_RECORDED_VALUE = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;

  private final String tenant;
  private final SeriesCache.Base base;
  private final boolean created;
  private final DeltaAccumulator deltas;
  private final SeriesCache cache;
  private final BatchBuilder out;

  /**
   * @param baseLabels the labels of the resource and scope, not changed afterwards
   * @param cache translated label sets, or null to translate every point afresh
   */
  PointContext(String tenant, Map<String, String> baseLabels, boolean created, DeltaAccumulator deltas,
      SeriesCache cache, BatchBuilder out) {
    this.tenant = tenant;
    this.base = cache == null ? new SeriesCache.Base(baseLabels) : cache.base(baseLabels);
    this.created = created;
    this.deltas = deltas;
    this.cache = cache;
    this.out = out;
  }

  /** The point's labels: from the cache, else {@link #translate}. */
  private Labels labels(List<KeyValue> attributes, String name) {
    if (cache == null) {
      return translate(attributes, name);
    }
    SeriesCache.Key key = SeriesCache.key(SeriesCache.Kind.POINT, base, name, attributes);
    Labels l = cache.labels(key);
    if (l == null) {
      l = translate(attributes, name);
      cache.put(key, l);
    }
    return l;
  }

  /** Point attributes, then the translation's own labels, then the name. */
  private Labels translate(List<KeyValue> attributes, String name) {
    Labels.Builder b = Labels.builder();
    OtlpLabels.of(attributes).forEach(b::put);
    base.labels().forEach(b::put);
    return b.put(Labels.NAME, name).build();
  }

  /** The series of a histogram point with these bounds: from the cache, else translated. */
  private SeriesCache.HistogramSeries histogramSeries(List<KeyValue> attributes, String name, List<Double> bounds) {
    if (cache == null) {
      return SeriesCache.HistogramSeries.of(translate(attributes, name), name, bounds);
    }
    SeriesCache.Key key = SeriesCache.key(SeriesCache.Kind.HISTOGRAM, base, name, attributes);
    SeriesCache.HistogramSeries s = cache.histogram(key);
    if (s == null || !s.matches(bounds)) {
      s = SeriesCache.HistogramSeries.of(s == null ? translate(attributes, name) : s.base(), name, bounds);
      cache.put(key, s);
    }
    return s;
  }

  /**
   * The labels of a point whose attribute fields are {@code b[from, to)} (protobuf, each with tag
   * {@code tag}): from the cache by those bytes, else decoded (validated) and translated.
   */
  Labels labels(byte[] b, int from, int to, int tag, String name) throws IOException {
    if (cache == null) {
      return translate(ProtobufMetrics.attributes(b, from, to, tag), name);
    }
    SeriesCache.BytesKey key = SeriesCache.key(SeriesCache.Kind.POINT, base, name, b, from, to);
    Labels l = cache.labels(key);
    if (l == null) {
      l = translate(ProtobufMetrics.attributes(b, from, to, tag), name);
      cache.put(key, l);
    }
    return l;
  }

  /** {@link #histogramSeries(List, String, List)} for attribute bytes and the bounds {@code bounds[0, n)}. */
  SeriesCache.HistogramSeries histogramSeries(byte[] b, int from, int to, int tag, String name, double[] bounds,
      int n) throws IOException {
    if (cache == null) {
      return SeriesCache.HistogramSeries.of(translate(ProtobufMetrics.attributes(b, from, to, tag), name), name,
          bounds, n);
    }
    SeriesCache.BytesKey key = SeriesCache.key(SeriesCache.Kind.HISTOGRAM, base, name, b, from, to);
    SeriesCache.HistogramSeries s = cache.histogram(key);
    if (s == null || !s.matches(bounds, n)) {
      Labels l = s == null ? translate(ProtobufMetrics.attributes(b, from, to, tag), name) : s.base();
      s = SeriesCache.HistogramSeries.of(l, name, bounds, n);
      cache.put(key, s);
    }
    return s;
  }

  private static Labels with(Labels l, String name, String label, String value) {
    return SeriesCache.with(l, name, label, value);
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000L;
  }

  private static boolean stale(int flags) {
    return (flags & NO_RECORDED_VALUE) != 0;
  }

  private static double value(NumberDataPoint p) {
    return p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? (double) p.getAsInt() : p.getAsDouble();
  }

  private boolean badName(String name, int points) {
    if (name.isEmpty()) {
      out.drop("invalid_metric_name", points);
      return true;
    }
    return false;
  }

  long gauge(String name, MetricMetadata meta, List<NumberDataPoint> points) {
    if (badName(name, points.size())) {
      return Long.MIN_VALUE;
    }
    out.metadata(meta);
    long max = Long.MIN_VALUE;
    for (NumberDataPoint p : points) {
      long t = millis(p.getTimeUnixNano());
      out.sample(labels(p.getAttributesList(), name), t, stale(p.getFlags()) ? Sample.STALE_NAN : value(p));
      max = Math.max(max, t);
    }
    return max;
  }

  long sum(Metric m, String name, String help) {
    var sum = m.getSum();
    List<NumberDataPoint> points = sum.getDataPointsList();
    boolean delta = sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    boolean cumulative = sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    if (!sum.getIsMonotonic()) {
      if (cumulative) {
        return gauge(name, OtlpToPrometheus.meta(name, Type.GAUGE, m.getUnit(), Kind.GAUGE, help), points);
      }
      out.drop(delta ? "non_monotonic_delta_sum" : "unspecified_temporality", points.size());
      return Long.MIN_VALUE;
    }
    if (!delta && !cumulative) {
      out.drop("unspecified_temporality", points.size());
      return Long.MIN_VALUE;
    }
    if (badName(name, points.size())) {
      return Long.MIN_VALUE;
    }
    out.metadata(OtlpToPrometheus.meta(name, Type.COUNTER, m.getUnit(), Kind.COUNTER, help));
    long max = Long.MIN_VALUE;
    for (NumberDataPoint p : points) {
      Labels labels = labels(p.getAttributesList(), name);
      long t = millis(p.getTimeUnixNano());
      long start = p.getStartTimeUnixNano();
      double v;
      if (stale(p.getFlags())) {
        v = Sample.STALE_NAN;
      } else if (delta) {
        var c = deltas.add(new DeltaAccumulator.Key(tenant, "sum", labels), start, p.getTimeUnixNano(),
            value(p), Double::sum);
        if (c == null) {
          out.drop("delta_out_of_order", 1);
          continue;
        }
        v = c.value();
        start = c.startNanos();
      } else {
        v = value(p);
      }
      out.sample(labels, t, v);
      for (Exemplar e : OtlpLabels.exemplars(p.getExemplarsList())) {
        out.exemplar(labels, e);
      }
      createdSample(labels, name.substring(0, name.length() - "_total".length()), t, start);
      max = Math.max(max, t);
    }
    return max;
  }

  void createdSample(Labels labels, String family, long t, long startNanos) {
    if (created && startNanos > 0) {
      out.sample(labels.toBuilder().put(Labels.NAME, family + "_created").build(), t, startNanos / 1e9);
    }
  }

  /** Explicit-bucket histogram state, for delta accumulation. */
  private record Classic(List<Double> bounds, double[] counts, double count, double sum, boolean hasSum) {
    Classic plus(Classic d) {
      if (!bounds.equals(d.bounds) || counts.length != d.counts.length) {
        return null;
      }
      double[] c = counts.clone();
      for (int i = 0; i < c.length; i++) {
        c[i] += d.counts[i];
      }
      return new Classic(bounds, c, count + d.count, sum + d.sum, hasSum && d.hasSum);
    }
  }

  /**
   * Whether histogram points of this temporality and name can be translated; when not, they are
   * counted as dropped with the reason.
   */
  private boolean histogramUsable(AggregationTemporality temporality, String name, int points) {
    if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
        && temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
      out.drop("unspecified_temporality", points);
      return false;
    }
    return !badName(name, points);
  }

  long histogram(String name, MetricMetadata meta, Histogram h) {
    List<HistogramDataPoint> points = h.getDataPointsList();
    boolean delta = h.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    if (!histogramUsable(h.getAggregationTemporality(), name, points.size())) {
      return Long.MIN_VALUE;
    }
    out.metadata(meta);
    long max = Long.MIN_VALUE;
    for (HistogramDataPoint p : points) {
      if (!p.getBucketCountsList().isEmpty() && p.getBucketCountsCount() != p.getExplicitBoundsCount() + 1) {
        out.drop("invalid_histogram_buckets", 1);
        continue;
      }
      SeriesCache.HistogramSeries series = histogramSeries(p.getAttributesList(), name, p.getExplicitBoundsList());
      Labels base = series.base();
      long t = millis(p.getTimeUnixNano());
      long start = p.getStartTimeUnixNano();
      double[] counts = new double[p.getBucketCountsCount()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = p.getBucketCounts(i);
      }
      Classic c = new Classic(p.getExplicitBoundsList(), counts, p.getCount(), p.getSum(), p.hasSum());
      boolean isStale = stale(p.getFlags());
      if (delta && !isStale) {
        var cum = deltas.add(new DeltaAccumulator.Key(tenant, "histogram", base), start, p.getTimeUnixNano(), c,
            Classic::plus);
        if (cum == null) {
          out.drop("delta_out_of_order", 1);
          continue;
        }
        c = cum.value();
        start = cum.startNanos();
        if (!series.matches(c.bounds())) {
          series = SeriesCache.HistogramSeries.of(base, name, c.bounds());
        }
      }
      double running = 0;
      List<Exemplar> exemplars = OtlpLabels.exemplars(p.getExemplarsList());
      for (int i = 0; i <= c.bounds().size(); i++) {
        boolean inf = i == c.bounds().size();
        double bound = inf ? Double.POSITIVE_INFINITY : c.bounds().get(i);
        running += i < c.counts().length ? c.counts()[i] : 0;
        Labels bucket = series.buckets()[i];
        out.sample(bucket, t, isStale ? Sample.STALE_NAN : inf ? c.count() : running);
        double lower = i == 0 ? Double.NEGATIVE_INFINITY : c.bounds().get(i - 1);
        for (Exemplar e : exemplars) {
          if (e.value() > lower && (inf || e.value() <= bound)) {
            out.exemplar(bucket, e);
          }
        }
      }
      if (c.hasSum() || isStale) {
        out.sample(series.sum(), t, isStale ? Sample.STALE_NAN : c.sum());
      }
      out.sample(series.count(), t, isStale ? Sample.STALE_NAN : c.count());
      createdSample(base, name, t, start);
      max = Math.max(max, t);
    }
    return max;
  }

  long exponential(String name, MetricMetadata meta, ExponentialHistogram h) {
    List<ExponentialHistogramDataPoint> points = h.getDataPointsList();
    boolean delta = h.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    if (!histogramUsable(h.getAggregationTemporality(), name, points.size())) {
      return Long.MIN_VALUE;
    }
    out.metadata(meta);
    long max = Long.MIN_VALUE;
    for (ExponentialHistogramDataPoint p : points) {
      Labels labels = labels(p.getAttributesList(), name);
      long t = millis(p.getTimeUnixNano());
      double zeroThreshold = p.getZeroThreshold() == 0 ? NativeHistogram.DEFAULT_ZERO_THRESHOLD : p.getZeroThreshold();
      if (p.getScale() < NativeHistogram.MIN_SCHEMA) {
        out.drop("exponential_scale_out_of_range", 1);
        continue;
      }
      NativeHistogram nh;
      if (stale(p.getFlags())) {
        nh = ExponentialBuckets.stale(t, p.getScale(), zeroThreshold);
      } else {
        ExponentialBuckets b = new ExponentialBuckets(p.getScale(), zeroThreshold, p.getZeroCount(), p.getCount(),
            p.hasSum() ? p.getSum() : 0,
            ExponentialBuckets.dense(p.getPositive().getOffset(), p.getPositive().getBucketCountsList()),
            ExponentialBuckets.dense(p.getNegative().getOffset(), p.getNegative().getBucketCountsList()));
        ResetHint hint = ResetHint.UNKNOWN;
        if (delta) {
          var cum = deltas.add(new DeltaAccumulator.Key(tenant, "exponential", labels), p.getStartTimeUnixNano(),
              p.getTimeUnixNano(), b, ExponentialBuckets::plus);
          if (cum == null) {
            out.drop("delta_out_of_order", 1);
            continue;
          }
          hint = cum.value() == b ? (cum.reset() ? ResetHint.YES : ResetHint.UNKNOWN) : ResetHint.NO;
          b = cum.value();
        }
        nh = b.toNative(t, hint);
      }
      out.histogram(labels, nh);
      for (Exemplar e : OtlpLabels.exemplars(p.getExemplarsList())) {
        out.exemplar(labels, e);
      }
      max = Math.max(max, t);
    }
    return max;
  }

  long summary(String name, MetricMetadata meta, Summary s) {
    List<SummaryDataPoint> points = s.getDataPointsList();
    if (badName(name, points.size())) {
      return Long.MIN_VALUE;
    }
    out.metadata(meta);
    long max = Long.MIN_VALUE;
    for (SummaryDataPoint p : points) {
      Labels base = labels(p.getAttributesList(), name);
      long t = millis(p.getTimeUnixNano());
      boolean isStale = stale(p.getFlags());
      List<SummaryDataPoint.ValueAtQuantile> qs = p.getQuantileValuesList().stream()
          .sorted(Comparator.comparingDouble(SummaryDataPoint.ValueAtQuantile::getQuantile))
          .toList();
      for (var q : qs) {
        out.sample(with(base, name, "quantile", PrometheusNames.formatFloat(q.getQuantile())), t,
            isStale ? Sample.STALE_NAN : q.getValue());
      }
      out.sample(with(base, name + "_sum", Labels.NAME, name + "_sum"), t, isStale ? Sample.STALE_NAN : p.getSum());
      out.sample(with(base, name + "_count", Labels.NAME, name + "_count"), t,
          isStale ? Sample.STALE_NAN : p.getCount());
      createdSample(base, name, t, p.getStartTimeUnixNano());
      max = Math.max(max, t);
    }
    return max;
  }
}
