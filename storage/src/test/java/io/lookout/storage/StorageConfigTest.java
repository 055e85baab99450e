package io.lookout.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {
  @Test
  void defaultsApplyWhenNothingIsSet() {
    StorageConfig c = StorageConfig.fromEnv(Map.of());
    assertThat(c).isEqualTo(StorageConfig.defaults(Path.of("./data")));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.partition()).isEqualTo(Duration.ofDays(1));
    assertThat(c.refreshInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.indexThreads()).isEqualTo(2);
    assertThat(c.indexQueueBytes()).isEqualTo(256L << 20);
    assertThat(c.walSegmentBytes()).isEqualTo(64L << 20);
  }

  @Test
  void readsEveryVariable() {
    StorageConfig c = StorageConfig.fromEnv(Map.of("LOOKOUT_DATA_DIR", "/var/lib/lookout", "LOOKOUT_RETENTION", "30d",
        "LOOKOUT_PARTITION", "6h", "LOOKOUT_REFRESH_INTERVAL", "1s", "LOOKOUT_COMMIT_INTERVAL", "1m",
        "LOOKOUT_INDEX_THREADS", "3", "LOOKOUT_INDEX_QUEUE_BYTES", "1GiB", "LOOKOUT_WAL_SEGMENT_BYTES", "1048576"));
    assertThat(c).isEqualTo(new StorageConfig(Path.of("/var/lib/lookout"), Duration.ofDays(30), Duration.ofHours(6),
        Duration.ofSeconds(1), Duration.ofMinutes(1), 3, 1L << 30, 1 << 20));
    assertThat(StorageConfig.fromEnv(Map.of("LOOKOUT_INDEX_QUEUE_BYTES", "64MB")).indexQueueBytes())
        .isEqualTo(64_000_000L);
  }

  @Test
  void invalidValuesNameTheVariableAndWhatIsAllowed() {
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_PARTITION", "5h")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOOKOUT_PARTITION")
        .hasMessageContaining("1h, 2h, 3h");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_PARTITION", "2d")))
        .hasMessageContaining("LOOKOUT_PARTITION");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_REFRESH_INTERVAL", "2s")))
        .hasMessageContaining("LOOKOUT_REFRESH_INTERVAL").hasMessageContaining("1s");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_RETENTION", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOOKOUT_RETENTION");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_INDEX_QUEUE_BYTES", "lots")))
        .hasMessageContaining("LOOKOUT_INDEX_QUEUE_BYTES").hasMessageContaining("256MiB");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_INDEX_THREADS", "0")))
        .hasMessageContaining("LOOKOUT_INDEX_THREADS");
    assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of("LOOKOUT_WAL_SEGMENT_BYTES", "10")))
        .hasMessageContaining("LOOKOUT_WAL_SEGMENT_BYTES");
  }
}
