package io.lookout.storage;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.MetricStore;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.storage.internal.LogSearch;
import io.lookout.storage.internal.SpanAggregations;
import io.lookout.storage.internal.SpanSearch;
import io.lookout.storage.internal.StorageEngine;
import io.lookout.storage.internal.StorageMetrics;
import io.lookout.storage.internal.TraceSearch;
import io.lookout.storage.internal.tsdb.TsdbReads;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Lucene storage of logs, spans and time series behind a write-ahead log. Appends complete once
 * fsync'd; records become searchable within the refresh interval. The stores'
 * own {@code close()} methods do nothing: close this object instead. Query methods block (Lucene),
 * so callers run them off event loops.
 */
public final class LuceneStorage implements AutoCloseable {
  private final StorageEngine engine;
  private final LogSearch logSearch;
  private final SpanSearch spanSearch;
  private final TraceSearch traceSearch;
  private final SpanAggregations spanAggregations;
  private final TsdbReads tsdbReads;
  private final LogStore logs = new Logs();
  private final SpanStore spans = new Spans();
  private final MetricStore metrics = new Metrics();

  private LuceneStorage(StorageEngine engine) {
    this.engine = engine;
    this.logSearch = new LogSearch(engine.logs(), engine.metrics());
    this.spanSearch = new SpanSearch(engine.spans(), engine.metrics());
    this.traceSearch = new TraceSearch(engine.spans(), engine.metrics());
    this.spanAggregations = new SpanAggregations(engine.spans(), engine.metrics());
    this.tsdbReads = new TsdbReads(engine.tsdb());
  }

  /**
   * Opens the indexes under the data directory, replays the write-ahead log and starts the
   * background threads; returns once everything replayed is searchable.
   *
   * @throws UncheckedIOException when the data directory cannot be used
   */
  public static LuceneStorage open(StorageConfig config, PrometheusRegistry registry) {
    return open(config, registry, LuceneStorage::systemNanos);
  }

  static LuceneStorage open(StorageConfig config, PrometheusRegistry registry, LongSupplier clockNanos) {
    try {
      return new LuceneStorage(StorageEngine.open(config, new StorageMetrics(registry), clockNanos));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open storage in " + config.dataDir() + ": " + e.getMessage(), e);
    }
  }

  private static long systemNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  public LogStore logs() {
    return logs;
  }

  public SpanStore spans() {
    return spans;
  }

  public MetricStore metrics() {
    return metrics;
  }

  /** Unhealthy when the write-ahead log or an index failed, or after close. */
  public CheckResult check() {
    return engine.check();
  }

  /** Refuses new appends, indexes everything already accepted, commits and closes. */
  @Override
  public void close() {
    engine.close();
  }

  // test hooks (package-private)

  StorageEngine engine() {
    return engine;
  }

  private final class Logs implements LogStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<LogRecord> records) {
      return engine.appendLogs(tenant, records);
    }

    @Override
    public LogPage search(LogQuery query) {
      return logSearch.search(query);
    }

    @Override
    public Histogram histogram(LogQuery query, long stepNanos) {
      return logSearch.histogram(query, stepNanos);
    }

    @Override
    public List<String> fieldNames(String tenant, long startNanos, long endNanos) {
      return logSearch.fieldNames(tenant, startNanos, endNanos);
    }

    @Override
    public FieldValues fieldValues(LogQuery query, String field, int limit) {
      return logSearch.fieldValues(query, field, limit);
    }

    @Override
    public Set<String> tenants() {
      return engine.logs().tenants();
    }

    @Override
    public CheckResult check() {
      return engine.check();
    }

    @Override
    public void close() {}
  }

  private final class Spans implements SpanStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<Span> spans) {
      return engine.appendSpans(tenant, spans);
    }

    @Override
    public Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
      return spanSearch.trace(tenant, traceId, maxSpans, timeoutMillis);
    }

    @Override
    public TracePage searchTraces(TraceQuery query) {
      return traceSearch.search(query);
    }

    @Override
    public List<String> services(String tenant, long startNanos, long endNanos) {
      return spanAggregations.services(tenant, startNanos, endNanos);
    }

    @Override
    public List<Operation> operations(String tenant, String service, long startNanos, long endNanos) {
      return spanAggregations.operations(tenant, service, startNanos, endNanos);
    }

    @Override
    public List<DependencyEdge> dependencies(String tenant, long startNanos, long endNanos, long timeoutMillis) {
      return spanAggregations.dependencies(tenant, startNanos, endNanos, timeoutMillis);
    }

    @Override
    public List<RedPoint> red(RedQuery query) {
      return spanAggregations.red(query);
    }

    @Override
    public Set<String> tenants() {
      return engine.spans().tenants();
    }

    @Override
    public CheckResult check() {
      return engine.check();
    }

    @Override
    public void close() {}
  }

  private final class Metrics implements MetricStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
      return engine.appendSeries(tenant, batch);
    }

    @Override
    public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long minTimeMillis,
        long maxTimeMillis, SelectLimits limits) {
      return tsdbReads.select(tenant, matchers, minTimeMillis, maxTimeMillis, limits);
    }

    @Override
    public List<Labels> series(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis,
        int limit) {
      return tsdbReads.series(tenant, matcherSets, startMillis, endMillis, limit);
    }

    @Override
    public List<String> labelNames(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis,
        long endMillis, int limit) {
      return tsdbReads.labelNames(tenant, matcherSets, startMillis, endMillis, limit);
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<LabelMatcher>> matcherSets,
        long startMillis, long endMillis, int limit) {
      return tsdbReads.labelValues(tenant, name, matcherSets, startMillis, endMillis, limit);
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis,
        long endMillis, int limit) {
      return tsdbReads.exemplars(tenant, matcherSets, startMillis, endMillis, limit);
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant, String metric, int limit) {
      return tsdbReads.metadata(tenant, metric, limit);
    }

    @Override
    public CheckResult check() {
      return engine.check();
    }

    @Override
    public void close() {}
  }
}
