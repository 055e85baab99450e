package io.lookout.ingest.metrics;

import io.lookout.model.LookoutException;
import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.CheckResult;
import io.lookout.model.spi.MetricStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A metric store that records appends; accepts everything unless told to fail. */
final class RecordingMetricStore implements MetricStore {
  record Append(String tenant, SeriesBatch batch) {}

  final List<Append> appends = new CopyOnWriteArrayList<>();
  volatile boolean overloaded;

  List<Append> of(String tenant) {
    return appends.stream().filter(a -> a.tenant().equals(tenant)).toList();
  }

  @Override
  public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
    if (overloaded) {
      return CompletableFuture.failedFuture(LookoutException.overloaded("indexer is behind: retry later", 1));
    }
    appends.add(new Append(tenant, batch));
    return CompletableFuture.completedFuture(AppendResult.all(batch.sampleCount()));
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
  public List<Labels> series(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis,
      int limit) {
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

  @Override
  public CheckResult check() {
    return CheckResult.OK;
  }

  @Override
  public void close() {}
}
