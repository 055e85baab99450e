package io.lookout.ingest.metrics;

import io.lookout.model.metrics.Exemplar;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.NativeHistogram;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects the series and metadata of one request; samples of equal labels share one series. */
final class BatchBuilder {
  private static final class Acc {
    List<Sample> samples;
    List<NativeHistogram> histograms;
    List<Exemplar> exemplars;
  }

  private final Map<Labels, Acc> series = new LinkedHashMap<>();
  private final Map<String, MetricMetadata> metadata = new LinkedHashMap<>();
  private long dropped;
  private final Map<String, Long> droppedByReason = new LinkedHashMap<>();

  private Acc acc(Labels labels) {
    return series.computeIfAbsent(labels, l -> new Acc());
  }

  void sample(Labels labels, long timestampMillis, double value) {
    Acc a = acc(labels);
    if (a.samples == null) {
      a.samples = new ArrayList<>(1);
    }
    a.samples.add(new Sample(timestampMillis, value));
  }

  void histogram(Labels labels, NativeHistogram h) {
    Acc a = acc(labels);
    if (a.histograms == null) {
      a.histograms = new ArrayList<>(1);
    }
    a.histograms.add(h);
  }

  void exemplar(Labels labels, Exemplar e) {
    Acc a = acc(labels);
    if (a.exemplars == null) {
      a.exemplars = new ArrayList<>(1);
    }
    a.exemplars.add(e);
  }

  boolean has(Labels labels) {
    return series.containsKey(labels);
  }

  /** Metadata per family; the first one seen wins. */
  void metadata(MetricMetadata m) {
    metadata.putIfAbsent(m.familyName(), m);
  }

  void drop(String reason, long points) {
    if (points > 0) {
      dropped += points;
      droppedByReason.merge(reason, points, Long::sum);
    }
  }

  long dropped() {
    return dropped;
  }

  Map<String, Long> droppedByReason() {
    return droppedByReason;
  }

  SeriesBatch build() {
    List<SeriesBatch.Series> out = new ArrayList<>(series.size());
    series.forEach((labels, a) -> out.add(new SeriesBatch.Series(labels, a.samples, a.histograms, a.exemplars)));
    return new SeriesBatch(out, new ArrayList<>(metadata.values()));
  }
}
