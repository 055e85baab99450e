package io.lookout.storage.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** The storage module's metrics, registered on the registry the server passes in. */
public final class StorageMetrics {
  private static final double[] SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry;
  public final Counter appendedRecords;
  public final Counter rejectedRecords;
  public final Counter overloadedAppends;
  public final Counter walBytes;
  public final Histogram walSyncSeconds;
  public final Counter indexedRecords;
  public final Counter indexErrors;
  public final Counter replayedRecords;
  public final Histogram commitSeconds;
  public final Counter deletedPartitions;
  public final Histogram querySeconds;
  public final io.lookout.storage.internal.tsdb.TsdbMetrics tsdb;

  public StorageMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    appendedRecords = Counter.builder().name("lookout_storage_appended_records_total")
        .help("records written durably to the write-ahead log").labelNames("signal").register(registry);
    rejectedRecords = Counter.builder().name("lookout_storage_rejected_records_total")
        .help("records refused at append (older than the retention)").labelNames("signal").register(registry);
    overloadedAppends = Counter.builder().name("lookout_storage_overloaded_appends_total")
        .help("appends refused because the indexer backlog is over LOOKOUT_INDEX_QUEUE_BYTES")
        .labelNames("signal").register(registry);
    walBytes = Counter.builder().name("lookout_storage_wal_written_bytes_total")
        .help("bytes written to the write-ahead log").register(registry);
    walSyncSeconds = Histogram.builder().name("lookout_storage_wal_sync_seconds")
        .help("time to write and fsync one group commit of the write-ahead log")
        .classicOnly().classicUpperBounds(SECONDS).register(registry);
    indexedRecords = Counter.builder().name("lookout_storage_indexed_records_total")
        .help("records added to the indexes (including replay)").labelNames("signal").register(registry);
    indexErrors = Counter.builder().name("lookout_storage_index_errors_total")
        .help("records the indexer could not add").labelNames("signal").register(registry);
    replayedRecords = Counter.builder().name("lookout_storage_replayed_records_total")
        .help("records re-indexed from the write-ahead log at startup").labelNames("signal").register(registry);
    commitSeconds = Histogram.builder().name("lookout_storage_commit_seconds")
        .help("time of one storage commit (all dirty indexes)")
        .classicOnly().classicUpperBounds(SECONDS).register(registry);
    deletedPartitions = Counter.builder().name("lookout_storage_deleted_partitions_total")
        .help("partitions deleted by retention").labelNames("signal").register(registry);
    tsdb = new io.lookout.storage.internal.tsdb.TsdbMetrics(registry);
    querySeconds = Histogram.builder().name("lookout_storage_query_seconds")
        .help("time of storage queries").labelNames("op")
        .classicOnly().classicUpperBounds(SECONDS).register(registry);
  }

  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help)
        .callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }
}
