package io.lookout.alerting.internal;

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
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A metric store that only keeps what is appended, for assertions on written series. */
final class RecordingMetricStore implements MetricStore {
  final List<SeriesBatch.Series> appended = new CopyOnWriteArrayList<>();

  /** The last value appended for the series named {@code name} with label {@code probe=probe}. */
  OptionalDouble last(String name, String probe) {
    OptionalDouble out = OptionalDouble.empty();
    for (SeriesBatch.Series s : appended) {
      Labels l = s.labels();
      if (name.equals(l.get(Labels.NAME)) && probe.equals(l.get("probe")) && !s.samples().isEmpty()) {
        out = OptionalDouble.of(s.samples().get(s.samples().size() - 1).value());
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch) {
    appended.addAll(batch.series());
    return CompletableFuture.completedFuture(AppendResult.all(batch.sampleCount()));
  }

  @Override
  public List<SeriesSamples> select(String tenant, List<LabelMatcher> matchers, long min, long max, SelectLimits l) {
    return List.of();
  }

  @Override
  public List<Labels> series(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
    return List.of();
  }

  @Override
  public List<String> labelNames(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
    return List.of();
  }

  @Override
  public List<String> labelValues(String t, String n, List<List<LabelMatcher>> m, long s, long e, int limit) {
    return List.of();
  }

  @Override
  public List<SeriesExemplars> exemplars(String t, List<List<LabelMatcher>> m, long s, long e, int limit) {
    return List.of();
  }

  @Override
  public Map<String, List<MetricMetadata>> metadata(String t, String metric, int limit) {
    return Map.of();
  }

  @Override
  public CheckResult check() {
    return CheckResult.OK;
  }

  @Override
  public void close() {}
}
