package io.lookout.ingest.metrics;

import io.lookout.ingest.metrics.PrometheusNames.Kind;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.MetricMetadata.Type;
import io.lookout.model.metrics.SeriesBatch;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates OTLP metric exports into the Prometheus data model, following the official rules
 * (opentelemetry-specification {@code compatibility/prometheus_and_openmetrics.md}, "OTLP Metric
 * points to Prometheus"), as the collector's remote-write exporter applies them:
 *
 * <ul>
 *   <li>names sanitised, unit words and {@code _total} appended ({@link PrometheusNames});
 *   <li>gauges and non-monotonic cumulative sums as gauges (unknown-typed when the metric's
 *       metadata says {@code prometheus.type=unknown}); monotonic sums as counters;
 *       non-monotonic delta sums are dropped, as the spec requires;
 *   <li>histograms as {@code _bucket{le}} (cumulative, ending with {@code +Inf}), {@code _sum},
 *       {@code _count}; summaries as {@code {quantile}}, {@code _sum}, {@code _count};
 *       exponential histograms as native histograms (downscaled to schema 8 when finer, dropped
 *       when coarser than -4);
 *   <li>delta sums, histograms and exponential histograms made cumulative by a bounded
 *       per-series accumulator (see {@link DeltaAccumulator} for resets and eviction);
 *   <li>{@code job} from {@code service.namespace/service.name}, {@code instance} from
 *       {@code service.instance.id}; the other resource attributes only on a {@code target_info}
 *       gauge (value 1) per job and instance, never on the series;
 *   <li>scope name and version as {@code otel_scope_name} / {@code otel_scope_version}, scope
 *       attributes as {@code otel_scope_<key>};
 *   <li>exemplars (with {@code trace_id} / {@code span_id}) kept on histograms and monotonic
 *       sums, dropped elsewhere; a point flagged {@code NoRecordedValue} becomes a staleness
 *       marker on every series it would produce;
 *   <li>labels made by the translation ({@code __name__}, {@code job}, {@code instance},
 *       {@code otel_scope_*}, {@code le}, {@code quantile}) win over attributes of the same name.
 * </ul>
 *
 * <p>Thread-safe. Data-path problems do not throw: unusable points are dropped, counted in
 * {@code lookout_metrics_otlp_dropped_points_total{reason}} and reported in the {@link Result}.
 * Register one instance per registry.
 */
public final class OtlpToPrometheus {
  static final String TARGET_INFO = "target_info";

  /**
   * @param maxDeltaSeries series whose delta points are being accumulated, at most; the least
   *     recently updated is forgotten beyond that
   * @param scopeLabels add {@code otel_scope_name}, {@code otel_scope_version} and scope
   *     attributes as labels
   * @param targetInfo emit {@code target_info} for resource attributes
   * @param createdSeries emit {@code <name>_created} (start time in seconds) for counters,
   *     histograms and summaries with a start time
   */
  public record Options(int maxDeltaSeries, boolean scopeLabels, boolean targetInfo, boolean createdSeries) {
    public static final int DEFAULT_MAX_DELTA_SERIES = 100_000;
    public static final Options DEFAULTS = new Options(DEFAULT_MAX_DELTA_SERIES, true, true, false);

    public Options {
      if (maxDeltaSeries < 1) {
        throw new IllegalArgumentException(
            "maxDeltaSeries is " + maxDeltaSeries + ": it must be at least 1 (default " + DEFAULT_MAX_DELTA_SERIES + ")");
      }
    }
  }

  /**
   * The translation of one request.
   *
   * @param droppedPoints OTLP data points that produced nothing (maps onto OTLP partial success)
   * @param message why they were dropped, empty when none were
   */
  public record Result(SeriesBatch batch, long droppedPoints, String message) {}

  private final Options options;
  private final DeltaAccumulator deltas;
  private final SeriesCache cache;
  private final Counter dropped;

  public OtlpToPrometheus(Options options, PrometheusRegistry registry) {
    this(options, registry, SeriesCache.DEFAULT_MAX_ENTRIES);
  }

  /**
   * @param maxCachedSeries translated label sets kept, at most; 0 caches none (every point is
   *     translated afresh)
   */
  OtlpToPrometheus(Options options, PrometheusRegistry registry, int maxCachedSeries) {
    this.options = options;
    this.deltas = new DeltaAccumulator(options.maxDeltaSeries());
    this.cache = maxCachedSeries == 0 ? null : new SeriesCache(maxCachedSeries);
    this.dropped = Counter.builder()
        .name("lookout_metrics_otlp_dropped_points_total")
        .help("OTLP metric data points dropped by the translation to Prometheus series, by reason")
        .labelNames("reason")
        .register(registry);
    GaugeWithCallback.builder()
        .name("lookout_metrics_delta_series")
        .help("Series whose delta points are being accumulated into cumulative values")
        .callback(cb -> cb.call(deltas.size()))
        .register(registry);
    CounterWithCallback.builder()
        .name("lookout_metrics_delta_evictions_total")
        .help("Delta series forgotten because more than the maximum were tracked (a counter reset follows)")
        .callback(cb -> cb.call(deltas.evictions()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("lookout_metrics_otlp_series_cache_entries")
        .help("Translated OTLP label sets cached for reuse by later points of the same series")
        .callback(cb -> cb.call(cache == null ? 0 : cache.size()))
        .register(registry);
  }

  /**
   * The translation of one request read from its protobuf bytes.
   *
   * @param dataPoints OTLP data points of every metric type in the request, as {@code
   *     OtlpDecoder.dataPoints} counts them (the bound of partial-success rejections)
   */
  public record Translated(Result result, int dataPoints) {}

  /** Translates one export request of a tenant. */
  public Result translate(String tenant, ExportMetricsServiceRequest request) {
    BatchBuilder out = new BatchBuilder();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      ResourceInfo r = ResourceInfo.of(rm.getResource());
      long maxMillis = Long.MIN_VALUE;
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        PointContext ctx = context(tenant, r, sm.getScope(), out);
        for (Metric m : sm.getMetricsList()) {
          maxMillis = Math.max(maxMillis, metric(ctx, m));
        }
      }
      targetInfo(r, maxMillis, out);
    }
    return finish(out);
  }

  /**
   * Translates the protobuf {@code ExportMetricsServiceRequest} in {@code data[offset, offset +
   * length)} without building its object tree (metric by metric where a metric is uncommon, the
   * whole request through {@link #translate(String, ExportMetricsServiceRequest)} where it holds
   * delta metrics); the result equals that of parsing the bytes and translating the request.
   *
   * @throws InvalidProtocolBufferException when the bytes are not a valid request, exactly when
   *     parsing them with the generated classes would fail
   */
  public Translated translate(String tenant, byte[] data, int offset, int length)
      throws InvalidProtocolBufferException {
    try {
      return new ProtobufMetrics(this, tenant).read(data, offset, length);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // a byte array does not fail to read otherwise
      throw new InvalidProtocolBufferException(e);
    }
  }

  /** Counts the dropped points and builds the result of a translated request. */
  Result finish(BatchBuilder out) {
    out.droppedByReason().forEach((reason, n) -> dropped.labelValues(reason).inc(n));
    String message = out.droppedByReason().entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey().replace('_', ' '))
        .collect(Collectors.joining(", "));
    return new Result(out.build(), out.dropped(), message.isEmpty() ? "" : "dropped data points: " + message);
  }

  /** What a resource gives its series: {@code job}, {@code instance} and the other attributes. */
  record ResourceInfo(String job, String instance, Map<String, KeyValue> others) {
    static ResourceInfo of(Resource resource) {
      String name = "";
      String namespace = "";
      String instance = "";
      Map<String, KeyValue> others = new LinkedHashMap<>();
      for (KeyValue kv : resource.getAttributesList()) {
        switch (kv.getKey()) {
          case "service.name" -> name = OtlpLabels.valueString(kv.getValue());
          case "service.namespace" -> namespace = OtlpLabels.valueString(kv.getValue());
          case "service.instance.id" -> instance = OtlpLabels.valueString(kv.getValue());
          default -> others.put(kv.getKey(), kv);
        }
      }
      String job = name.isEmpty() ? "" : namespace.isEmpty() ? name : namespace + "/" + name;
      return new ResourceInfo(job, instance, others);
    }
  }

  /** The point context of one scope of a resource. */
  PointContext context(String tenant, ResourceInfo r, InstrumentationScope s, BatchBuilder out) {
    Map<String, String> scope = new LinkedHashMap<>();
    if (options.scopeLabels()) {
      OtlpLabels.of(s.getAttributesList())
          .forEach((k, v) -> scope.put(PrometheusNames.labelName("otel_scope_" + k), v));
      scope.put("otel_scope_name", s.getName());
      scope.put("otel_scope_version", s.getVersion());
    }
    scope.put("job", r.job());
    scope.put("instance", r.instance());
    return new PointContext(tenant, scope, options.createdSeries(), deltas, cache, out);
  }

  /** The {@code target_info} series of a resource whose newest point is at {@code maxMillis}. */
  void targetInfo(ResourceInfo r, long maxMillis, BatchBuilder out) {
    if (options.targetInfo() && !r.others().isEmpty() && maxMillis != Long.MIN_VALUE) {
      Labels.Builder b = Labels.builder();
      OtlpLabels.of(r.others().values().stream().toList()).forEach(b::put);
      Labels labels = b.put("job", r.job()).put("instance", r.instance()).put(Labels.NAME, TARGET_INFO).build();
      if (!out.has(labels)) {
        out.sample(labels, maxMillis, 1);
        out.metadata(new MetricMetadata(TARGET_INFO, Type.GAUGE, "", "Target metadata"));
      }
    }
  }

  /** Translates one metric; returns the newest point time in milliseconds (MIN_VALUE if none). */
  static long metric(PointContext ctx, Metric m) {
    String unit = m.getUnit();
    String help = m.getDescription();
    return switch (m.getDataCase()) {
      case GAUGE -> {
        String name = PrometheusNames.metricName(m.getName(), unit, Kind.GAUGE);
        Type type = unknownTyped(m) ? Type.UNKNOWN : Type.GAUGE;
        yield ctx.gauge(name, meta(name, type, unit, Kind.GAUGE, help), m.getGauge().getDataPointsList());
      }
      case SUM -> ctx.sum(m, PrometheusNames.metricName(m.getName(), unit,
          m.getSum().getIsMonotonic() ? Kind.COUNTER : Kind.GAUGE), help);
      case HISTOGRAM -> {
        String name = PrometheusNames.metricName(m.getName(), unit, Kind.OTHER);
        yield ctx.histogram(name, meta(name, Type.HISTOGRAM, unit, Kind.OTHER, help), m.getHistogram());
      }
      case EXPONENTIAL_HISTOGRAM -> {
        String name = PrometheusNames.metricName(m.getName(), unit, Kind.OTHER);
        yield ctx.exponential(name, meta(name, Type.HISTOGRAM, unit, Kind.OTHER, help), m.getExponentialHistogram());
      }
      case SUMMARY -> {
        String name = PrometheusNames.metricName(m.getName(), unit, Kind.OTHER);
        yield ctx.summary(name, meta(name, Type.SUMMARY, unit, Kind.OTHER, help), m.getSummary());
      }
      case DATA_NOT_SET -> Long.MIN_VALUE;
    };
  }

  /** Data points of a metric of any type (gauge, sum, histogram, exponential histogram, summary). */
  public static int dataPoints(Metric m) {
    return switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsCount();
      case SUM -> m.getSum().getDataPointsCount();
      case HISTOGRAM -> m.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> m.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  static MetricMetadata meta(String name, Type type, String otelUnit, Kind kind, String help) {
    return new MetricMetadata(name, type, PrometheusNames.unitWords(otelUnit, kind), help);
  }

  private static boolean unknownTyped(Metric m) {
    for (KeyValue kv : m.getMetadataList()) {
      if (kv.getKey().equals("prometheus.type") && kv.getValue().getStringValue().equals("unknown")) {
        return true;
      }
    }
    return false;
  }
}
