package io.lookout.storage.internal.tsdb;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** Metrics of the time-series store. */
public final class TsdbMetrics {
  private static final double[] SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry;
  final Counter samples;
  final Counter rejected;
  final Counter exemplars;
  final Histogram selectSeconds;

  public TsdbMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    samples = Counter.builder().name("lookout_storage_metric_samples_total")
        .help("samples (floats and histograms) added to the time-series head, replay included").register(registry);
    rejected = Counter.builder().name("lookout_storage_metric_rejected_samples_total")
        .help("samples refused, by reason: retention, out_of_window, duplicate").labelNames("reason")
        .register(registry);
    exemplars = Counter.builder().name("lookout_storage_metric_exemplars_total")
        .help("exemplars kept in the time-series head, replay included; duplicates and out-of-order ones are not")
        .register(registry);
    selectSeconds = Histogram.builder().name("lookout_storage_metric_select_seconds")
        .help("time of one time-series select").classicOnly().classicUpperBounds(SECONDS).register(registry);
  }

  void seriesGauge(DoubleSupplier value) {
    GaugeWithCallback.builder().name("lookout_storage_metric_series")
        .help("series held in the time-series head").callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }
}
