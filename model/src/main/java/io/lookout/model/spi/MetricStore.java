package io.lookout.model.spi;

import io.lookout.model.metrics.LabelMatcher;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SelectLimits;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.metrics.SeriesExemplars;
import io.lookout.model.metrics.SeriesSamples;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Time-series storage in the Prometheus data model, split per tenant. Times are Unix
 * milliseconds, as in Prometheus. Same durability as {@link LogStore}: an append completes only
 * once its samples are in the write-ahead log on disk.
 *
 * <p>A {@code matcherSets} argument is a union (a series matches when it matches every matcher of
 * at least one set), as Prometheus's {@code match[]} parameters; an empty list means every series.
 */
public interface MetricStore extends AutoCloseable {

  /**
   * Appends series data durably. Samples that cannot be kept (older than the retention or the
   * out-of-order window, or a different value for a timestamp already stored) are counted in the
   * result with a message; the rest are kept. Fails the future with OVERLOADED when behind.
   */
  CompletableFuture<AppendResult> append(String tenant, SeriesBatch batch);

  /**
   * The samples of every series matching all {@code matchers} with timestamps in
   * {@code [minTimeMillis, maxTimeMillis]}, series sorted by labels. Matching is on label values,
   * with a missing label equal to the empty string (Prometheus semantics).
   *
   * @throws io.lookout.model.LookoutException EXECUTION naming the limit when a limit is exceeded,
   *     TIMEOUT past the time budget
   */
  List<SeriesSamples> select(
      String tenant, List<LabelMatcher> matchers, long minTimeMillis, long maxTimeMillis, SelectLimits limits);

  /** Label sets of the series matching any of the sets with data in the range, sorted, at most {@code limit}. */
  List<Labels> series(String tenant, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis, int limit);

  /** Label names of the matching series with data in the range, sorted, at most {@code limit}. */
  List<String> labelNames(
      String tenant, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis, int limit);

  /** Values of one label among the matching series with data in the range, sorted, at most {@code limit}. */
  List<String> labelValues(
      String tenant, String name, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis, int limit);

  /**
   * The exemplars of the series matching any of the sets with timestamps in
   * {@code [startMillis, endMillis]}, series sorted by labels and exemplars by timestamp, at most
   * {@code limit} series. The store keeps a bounded number of recent exemplars per series.
   */
  List<SeriesExemplars> exemplars(
      String tenant, List<List<LabelMatcher>> matcherSets, long startMillis, long endMillis, int limit);

  /** Metadata per metric family name (or of one family when {@code metric} is not null). */
  Map<String, List<MetricMetadata>> metadata(String tenant, String metric, int limit);

  CheckResult check();

  @Override
  void close();
}
