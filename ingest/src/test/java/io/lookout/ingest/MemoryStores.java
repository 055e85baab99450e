package io.lookout.ingest;

import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** In-memory SPI implementations that record what they receive and can be told how to answer. */
final class MemoryStores {
  final Logs logs = new Logs();
  final Spans spans = new Spans();
  final Metrics metrics = new Metrics();

  void reset() {
    logs.reset();
    spans.reset();
    metrics.reset();
  }

  /** One append call as the store saw it. */
  record Batch<T>(String tenant, List<T> items) {}

  /** The metric store's view of one append. */
  record MetricBatch(String tenant, SeriesBatch batch) {}

  /** Records appends; answers with all accepted unless told otherwise. */
  abstract static class Recorder<B> {
    final List<B> batches = new CopyOnWriteArrayList<>();
    private volatile Function<Long, CompletableFuture<AppendResult>> answer = MemoryStores::acceptAll;

    void reset() {
      batches.clear();
      answer = MemoryStores::acceptAll;
    }

    /** Fails every append with OVERLOADED and the given retry delay, as a store whose indexer is behind. */
    void overloaded(int retryAfterSeconds) {
      answer = n -> CompletableFuture.failedFuture(
          LookoutException.overloaded("indexer is behind: retry later", retryAfterSeconds));
    }

    /** Fails every append with the given error (RATE_LIMITED, TIMEOUT...). */
    void failing(LookoutException error) {
      answer = n -> CompletableFuture.failedFuture(error);
    }

    /** Accepts all but {@code rejected} records, with a message. */
    void rejecting(long rejected, String message) {
      answer = n -> CompletableFuture.completedFuture(new AppendResult(n - rejected, rejected, message));
    }

    /** Fails every append with an unexpected exception (a bug in storage). */
    void broken() {
      answer = n -> CompletableFuture.failedFuture(new IllegalStateException("simulated storage bug"));
    }

    CompletableFuture<AppendResult> record(B batch, long n) {
      batches.add(batch);
      return answer.apply(n);
    }

    public CheckResult check() {
      return CheckResult.OK;
    }

    public void close() {}
  }

  static CompletableFuture<AppendResult> acceptAll(long n) {
    return CompletableFuture.completedFuture(AppendResult.all(n));
  }

  static final class Logs extends Recorder<Batch<LogRecord>> implements LogStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<LogRecord> records) {
      return record(new Batch<>(tenant, List.copyOf(records)), records.size());
    }

    List<LogRecord> all() {
      return batches.stream().flatMap(b -> b.items().stream()).toList();
    }

    @Override
    public LogPage search(LogQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Histogram histogram(LogQuery query, long stepNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> fieldNames(String tenant, long startNanos, long endNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FieldValues fieldValues(LogQuery query, String field, int limit) {
      throw new UnsupportedOperationException();
    }
  }

  static final class Spans extends Recorder<Batch<Span>> implements SpanStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, List<Span> spans) {
      return record(new Batch<>(tenant, List.copyOf(spans)), spans.size());
    }

    List<Span> all() {
      return batches.stream().flatMap(b -> b.items().stream()).toList();
    }

    @Override
    public Optional<Trace> trace(String tenant, String traceId, int maxSpans, long timeoutMillis) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TracePage searchTraces(TraceQuery query) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> services(String tenant, long startNanos, long endNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Operation> operations(String tenant, String service, long startNanos, long endNanos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DependencyEdge> dependencies(String tenant, long startNanos, long endNanos, long timeoutMillis) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<RedPoint> red(RedQuery query) {
      throw new UnsupportedOperationException();
    }
  }

  static final class Metrics extends Recorder<MetricBatch> implements MetricStore {
    @Override
    public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
      return record(new MetricBatch(tenant, batch), batch.sampleCount());
    }

    /** Every series appended, in order. */
    List<SeriesBatch.Series> series() {
      return batches.stream().flatMap(b -> b.batch().series().stream()).toList();
    }

    @Override
    public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long minTimeMillis,
        long maxTimeMillis, SelectLimits limits) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<SeriesExemplars> exemplars(String tenant, List<List<LabelMatcher>> matcherSets,
        long startMillis, long endMillis, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Labels> series(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis,
        long endMillis, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> labelNames(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis,
        long endMillis, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> labelValues(String tenant, String name, List<List<LabelMatcher>> matcherSets,
        long startMillis, long endMillis, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, List<MetricMetadata>> metadata(String tenant, String metric, int limit) {
      throw new UnsupportedOperationException();
    }
  }
}
