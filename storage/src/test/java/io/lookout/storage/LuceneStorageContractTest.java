package io.lookout.storage;

import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.SpanStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;

/** The storage contract run against {@link LuceneStorage}. */
class LuceneStorageContractTest extends TraceContract {
  @Override
  protected Harness open(Path dir, long indexQueueBytes) {
    StorageConfig cfg = new StorageConfig(dir, Duration.ofDays(7), Duration.ofDays(1), Duration.ofMillis(20),
        Duration.ofSeconds(1), 2, indexQueueBytes, 1 << 20);
    LuceneStorage s = LuceneStorage.open(cfg, new PrometheusRegistry());
    return new Harness() {
      @Override
      public LogStore logs() {
        return s.logs();
      }

      @Override
      public SpanStore spans() {
        return s.spans();
      }

      @Override
      public AutoCloseable pauseIndexing() {
        return s.engine().pauseIndexing();
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }
}
