package io.lookout.ingest.metrics;

import io.lookout.ingest.IngestConfig;
import io.lookout.model.Span;
import io.lookout.model.metrics.MetricMetadata;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.MetricStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RED metrics generated from ingested spans, per tenant, named and labelled as the OpenTelemetry
 * collector's spanmetrics connector names them: {@value #CALLS} and the classic histogram
 * {@value #DURATION}{@code _bucket/_sum/_count}, labelled {@code service}, {@code span_name},
 * {@code span_kind} ({@code SPAN_KIND_SERVER}...), {@code status_code} ({@code STATUS_CODE_UNSET},
 * {@code _OK}, {@code _ERROR}) and {@code job="lookout-spanmetrics"}.
 *
 * <p>Counts are kept in memory, cumulative for the life of the process (a restart starts from 0,
 * which {@code rate} handles as a counter reset), and written every interval as one
 * {@link SeriesBatch} per tenant with the flush time as sample timestamp; {@link #close()} writes
 * a last one. Each tenant keeps at most {@code maxSeries} label combinations; spans of further
 * combinations are counted in {@code lookout_spanmetrics_dropped_spans_total} and dropped.
 */
public final class SpanMetrics implements AutoCloseable {
  public static final String CALLS = "traces_spanmetrics_calls_total";
  public static final String DURATION = "traces_spanmetrics_duration_seconds";
  /** The {@code job} label of every span metrics series, so they never mix with a service's own. */
  public static final String JOB = "lookout-spanmetrics";

  static final List<MetricMetadata> METADATA = List.of(
      new MetricMetadata(CALLS, MetricMetadata.Type.COUNTER, "",
          "Spans ingested by Lookout, by service, span name, span kind and status code"),
      new MetricMetadata(DURATION, MetricMetadata.Type.HISTOGRAM, "seconds",
          "Duration of the spans ingested by Lookout, by service, span name, span kind and status code"));

  private static final Logger LOG = LoggerFactory.getLogger(SpanMetrics.class);
  private static final long CLOSE_TIMEOUT_MILLIS = 10_000;

  private final MetricStore store;
  private final int maxSeries;
  private final Clock clock;
  private final boolean enabled;
  private final Map<String, SpanMetricsTable> tenants = new ConcurrentHashMap<>();
  private final Counter dropped;
  private final Counter failures;
  private final Gauge active;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object flushLock = new Object();
  private ScheduledExecutorService timer;
  private long lastFlushMillis = Long.MIN_VALUE;
  private volatile CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);

  /**
   * Span metrics as configured ({@link IngestConfig#spanMetricsInterval()},
   * {@link IngestConfig#spanMetricsMaxSeries()}), flushed by a daemon thread of their own; when
   * the interval is zero they are disabled and nothing is recorded, registered or written. Create
   * one per server, pass it to both OTLP receivers, and close it before the metric store.
   */
  public static SpanMetrics start(MetricStore store, IngestConfig config, PrometheusRegistry registry) {
    if (!config.spanMetricsEnabled()) {
      return disabled();
    }
    SpanMetrics m = new SpanMetrics(store, config.spanMetricsMaxSeries(), registry, Clock.systemUTC());
    m.schedule(config.spanMetricsInterval());
    return m;
  }

  /** Span metrics that record nothing and write nothing. */
  public static SpanMetrics disabled() {
    return new SpanMetrics();
  }

  /** Enabled span metrics without a timer: written only by {@link #flush()} and {@link #close()}. */
  SpanMetrics(MetricStore store, int maxSeries, PrometheusRegistry registry, Clock clock) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("span metrics max series must be at least 1, got " + maxSeries);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.maxSeries = maxSeries;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.enabled = true;
    dropped = Counter.builder()
        .name("lookout_spanmetrics_dropped_spans_total")
        .help("Spans left out of span metrics because their tenant reached LOOKOUT_SPANMETRICS_MAX_SERIES"
            + " label combinations")
        .register(registry);
    failures = Counter.builder()
        .name("lookout_spanmetrics_flush_failures_total")
        .help("Span metrics writes to the metric store that failed (the next flush carries the counts)")
        .register(registry);
    active = Gauge.builder()
        .name("lookout_spanmetrics_series")
        .help("Label combinations (service, span name, kind, status) held by span metrics, all tenants")
        .register(registry);
  }

  private SpanMetrics() {
    store = null;
    maxSeries = 0;
    clock = null;
    enabled = false;
    dropped = null;
    failures = null;
    active = null;
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Counts spans storage has accepted. Storage reports how many spans it kept, not which; it
   * rejects spans by age (older than the retention), so when it kept only some, the
   * {@code acceptedByStorage} spans with the newest start times are counted.
   */
  public void record(String tenant, List<Span> spans, long acceptedByStorage) {
    if (!enabled || closed.get() || acceptedByStorage <= 0 || spans.isEmpty()) {
      return;
    }
    List<Span> counted = spans;
    if (acceptedByStorage < spans.size()) {
      List<Span> newest = new ArrayList<>(spans);
      newest.sort(Comparator.comparingLong(Span::startNanos).reversed());
      counted = newest.subList(0, (int) acceptedByStorage);
    }
    SpanMetricsTable table = tenants.computeIfAbsent(tenant, t -> new SpanMetricsTable(maxSeries));
    SpanMetricsTable.Recorded r = table.record(counted);
    if (r.dropped() > 0) {
      dropped.inc(r.dropped());
    }
    if (r.created() > 0) {
      active.inc(r.created());
    }
  }

  /**
   * Writes the current cumulative values of every tenant, one batch per tenant, stamped with the
   * current time (strictly after the previous flush's). The future completes when storage has
   * answered every batch; it never fails: failures are logged and counted, and the next flush
   * carries the counts.
   */
  public CompletableFuture<Void> flush() {
    if (!enabled) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (flushLock) {
      long now = clock.millis();
      if (now <= lastFlushMillis) {
        now = lastFlushMillis + 1; // two samples at one timestamp would be rejected as a duplicate
      }
      lastFlushMillis = now;
      List<CompletableFuture<Void>> pending = new ArrayList<>(tenants.size());
      for (Map.Entry<String, SpanMetricsTable> e : tenants.entrySet()) {
        List<SeriesBatch.Series> series = e.getValue().series(now);
        if (!series.isEmpty()) {
          pending.add(append(e.getKey(), new SeriesBatch(series, METADATA)));
        }
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
      lastFlush = all;
      return all;
    }
  }

  private CompletableFuture<Void> append(String tenant, SeriesBatch batch) {
    CompletableFuture<AppendResult> f;
    try {
      f = store.append(tenant, batch);
    } catch (RuntimeException e) { // the SPI fails the future, but be safe against a throwing store
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, err) -> {
      if (err != null) {
        failures.inc();
        LOG.warn("writing span metrics of tenant {} ({} series) failed: {}", tenant, batch.series().size(),
            err.toString());
      } else if (r.rejected() > 0) {
        LOG.debug("storage rejected {} span metrics samples of tenant {}: {}", r.rejected(), tenant, r.message());
      }
      return null;
    });
  }

  /** Stops the timer and writes the values a last time (waiting up to 10 s for storage). */
  @Override
  public void close() {
    if (!enabled || !closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService t;
    synchronized (flushLock) {
      t = timer;
    }
    if (t != null) {
      t.shutdown();
      try {
        if (!t.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          LOG.warn("span metrics timer did not stop within {} ms", CLOSE_TIMEOUT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      flush().get(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("last span metrics write did not complete within {} ms", CLOSE_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("last span metrics write failed: {}", e.getCause().toString());
    }
  }

  private void schedule(Duration interval) {
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "lookout-spanmetrics");
      th.setDaemon(true);
      return th;
    });
    synchronized (flushLock) {
      timer = t;
    }
    long millis = interval.toMillis();
    t.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One timer run: skipped while the previous write is still in storage (values are cumulative). */
  private void tick() {
    try {
      if (closed.get()) {
        return;
      }
      if (!lastFlush.isDone()) {
        LOG.debug("span metrics flush skipped: the previous one is still being written");
        return;
      }
      flush();
    } catch (RuntimeException e) { // an exception would cancel the timer
      LOG.error("span metrics flush failed", e);
    }
  }
}
