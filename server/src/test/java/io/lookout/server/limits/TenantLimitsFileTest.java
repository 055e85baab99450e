package io.lookout.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.limits.Limit;
import io.lookout.model.limits.TenantLimits;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantLimitsFileTest {
  @TempDir Path dir;
  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Test
  void defaultsNeverBiteALaptopAndComeFromTheEnvironment() {
    TenantLimits d = TenantLimitsFile.fromEnv(Map.of(), registry).defaults();
    assertThat(d.ingestRecordsPerSecond()).isEqualTo(1_000_000);
    assertThat(d.maxActiveSeries()).isEqualTo(1_000_000);
    assertThat(d.maxQueryRange()).isZero();
    TenantLimits e = TenantLimitsFile.fromEnv(Map.of("LOOKOUT_LIMIT_INGEST_RECORDS_PER_SECOND", "5000",
        "LOOKOUT_LIMIT_MAX_QUERY_RANGE", "7d", "LOOKOUT_LIMIT_MAX_CONCURRENT_QUERIES", "4"), new PrometheusRegistry())
        .defaults();
    assertThat(e.ingestRecordsPerSecond()).isEqualTo(5000);
    assertThat(e.maxQueryRange()).isEqualTo(Duration.ofDays(7));
    assertThat(e.maxConcurrentQueries()).isEqualTo(4);
  }

  @Test
  void fileOverridesOneTenantKeyByKeyOthersKeepTheDefaults() throws Exception {
    Path f = write("tenants:\n  acme: {ingest_records_per_second: 10, max_query_range: 1h, max_log_lines: 50}\n");
    TenantLimitsFile l = TenantLimitsFile.fromEnv(Map.of("LOOKOUT_LIMITS_FILE", f.toString()), registry);
    TenantLimits acme = l.of("acme");
    assertThat(acme.ingestRecordsPerSecond()).isEqualTo(10);
    assertThat(acme.maxQueryRange()).isEqualTo(Duration.ofHours(1));
    assertThat(acme.maxLogLines()).isEqualTo(50);
    assertThat(acme.maxActiveSeries()).isEqualTo(TenantLimitsFile.DEFAULT_MAX_ACTIVE_SERIES);
    assertThat(l.of("other")).isEqualTo(l.defaults());
  }

  @Test
  void changesAreReloadedAndABrokenFileKeepsThePreviousLimits() throws Exception {
    Path f = write("tenants:\n  acme: {ingest_records_per_second: 10}\n");
    TenantLimitsFile l = new TenantLimitsFile(TenantLimits.NONE, f, registry);
    assertThat(l.of("acme").ingestRecordsPerSecond()).isEqualTo(10);

    rewrite(f, "tenants:\n  acme: {ingest_records_per_second: 20}\n", 1);
    assertThat(l.of("acme").ingestRecordsPerSecond()).as("a request never reads the file").isEqualTo(10);
    l.reloadIfChanged(); // what the periodic check runs
    assertThat(l.of("acme").ingestRecordsPerSecond()).isEqualTo(20);

    rewrite(f, "tenants:\n  acme: {ingest_records_per_sec: 30}\n", 2);
    l.reloadIfChanged();
    assertThat(l.of("acme").ingestRecordsPerSecond()).isEqualTo(20);
    assertThat(reloads("ok")).isEqualTo(1);
    assertThat(reloads("error")).isEqualTo(1);
  }

  @Test
  void aWatchedFileIsReloadedOnAWorkerWithoutAnyRequest() throws Exception {
    Path f = write("tenants:\n  acme: {ingest_records_per_second: 10}\n");
    Vertx vertx = Vertx.vertx();
    TenantLimitsFile l = new TenantLimitsFile(TenantLimits.NONE, f, registry);
    try {
      l.watch(vertx, Duration.ofMillis(50));
      rewrite(f, "tenants:\n  acme: {ingest_records_per_second: 20}\n", 1);
      waitFor(() -> reloads("ok") == 1, "the change is picked up by the periodic check");
      assertThat(l.of("acme").ingestRecordsPerSecond()).isEqualTo(20);

      rewrite(f, "tenants: [broken\n", 2);
      waitFor(() -> reloads("error") == 1, "the broken file is seen and counted");
      assertThat(l.of("acme").ingestRecordsPerSecond()).as("last good limits kept").isEqualTo(20);

      l.close();
      rewrite(f, "tenants:\n  acme: {ingest_records_per_second: 40}\n", 3);
      l.reloadIfChanged(); // still works by hand after close; the periodic check is gone
      assertThat(l.of("acme").ingestRecordsPerSecond()).isEqualTo(40);
    } finally {
      l.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(10);
    }
  }

  private double reloads(String result) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals("lookout_limits_reloads") && s instanceof CounterSnapshot c) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          if (p.getLabels().equals(Labels.of("result", result))) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  @Test
  void badFilesFailStartupNamingTheKeyAndWhatIsAllowed() throws Exception {
    Path f = write("tenants:\n  acme: {max_series: 10}\n");
    assertThatThrownBy(() -> TenantLimitsFile.fromEnv(Map.of("LOOKOUT_LIMITS_FILE", f.toString()), registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenants.acme.max_series is not a limit").hasMessageContaining("max_active_series");
    Path g = write("tenants:\n  acme: {ingest_records_per_second: lots}\n");
    assertThatThrownBy(() -> TenantLimitsFile.fromEnv(Map.of("LOOKOUT_LIMITS_FILE", g.toString()),
        new PrometheusRegistry())).hasMessageContaining("use 0 (unlimited) or a positive number");
    Path h = write("limits: {}\n");
    assertThatThrownBy(() -> TenantLimitsFile.fromEnv(Map.of("LOOKOUT_LIMITS_FILE", h.toString()),
        new PrometheusRegistry())).hasMessageContaining("'tenants:'");
  }

  @Test
  void exceededLimitsAreCountedPerTenantAndLimit() {
    TenantLimitsFile l = TenantLimitsFile.fromEnv(Map.of(), registry);
    l.exceeded("acme", Limit.INGEST_RECORDS_PER_SECOND);
    l.exceeded("acme", Limit.INGEST_RECORDS_PER_SECOND);
    l.exceeded("beta", Limit.MAX_QUERY_RANGE);
    assertThat(counter("tenant", "acme", "limit", "ingest_records_per_second")).isEqualTo(2);
    assertThat(counter("tenant", "beta", "limit", "max_query_range")).isEqualTo(1);
  }

  private double counter(String... labels) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals("lookout_limits_exceeded") && s instanceof CounterSnapshot c) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          if (p.getLabels().equals(Labels.of(labels))) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  private int files;

  private Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("limits" + files++ + ".yml"), yaml);
  }

  /** Rewrites with a distinct modification time, so that the change is seen whatever the clock's resolution. */
  private static void rewrite(Path f, String yaml, int n) throws Exception {
    FileTime before = Files.getLastModifiedTime(f);
    Files.writeString(f, yaml);
    Files.setLastModifiedTime(f, FileTime.fromMillis(before.toMillis() + n * 10_000L));
  }
}
