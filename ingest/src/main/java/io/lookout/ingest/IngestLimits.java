package io.lookout.ingest;

import io.lookout.ingest.internal.SeriesTracker;
import io.lookout.model.LookoutException;
import io.lookout.model.limits.Limit;
import io.lookout.model.limits.Limits;
import io.lookout.model.limits.TenantLimits;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.SeriesBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-tenant ingest limits shared by every receiver: records and bytes per second (token buckets)
 * and active metric series.
 *
 * <p>Rates: each tenant has a bucket per dimension holding at most one second of its rate (the
 * burst). A request is admitted while the bucket is not in debt; its records (log records, spans,
 * samples) and bytes (after decompression) are then taken, which may put the bucket into debt, so
 * that one large request passes and the ones after it wait: the long-run rate is the limit. A
 * refused request answers 429 (HTTP, with {@code Retry-After}: the seconds until the debt is paid)
 * or RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo} (gRPC), as OTLP asks for throttling.
 *
 * <p>Active series: series seen in the current or previous ten-minute generation. Samples of new
 * series past the limit are rejected (OTLP partial success, remote_write 400); samples of known
 * series are still stored, so that a tenant at its limit keeps its existing dashboards.
 */
public final class IngestLimits {
  /** Length of an active-series generation: a series stays active 10 to 20 minutes after its last sample. */
  public static final long GENERATION_NANOS = 10L * 60 * 1_000_000_000L;

  private final Limits limits;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, TenantState> tenants = new ConcurrentHashMap<>();
  private final HashMemo hashes = new HashMemo();

  public IngestLimits(Limits limits) {
    this(limits, System::nanoTime);
  }

  /** With a clock for tests. */
  public IngestLimits(Limits limits, LongSupplier nanoTime) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** No limits at all. */
  public static IngestLimits none() {
    return new IngestLimits(Limits.none());
  }

  /**
   * Admits a request of {@code records} items and {@code bytes} bytes, or refuses it.
   *
   * @throws LookoutException RATE_LIMITED (429) naming the limit, its value and how to raise it,
   *     with the seconds to wait
   */
  public void admit(String tenant, long records, long bytes) {
    TenantLimits l = limits.of(tenant);
    if (l.ingestRecordsPerSecond() <= 0 && l.ingestBytesPerSecond() <= 0) {
      return;
    }
    TenantState s = state(tenant);
    long now = nanoTime.getAsLong();
    synchronized (s) {
      double waitRecords = s.records.debtSeconds(l.ingestRecordsPerSecond(), now);
      double waitBytes = s.bytes.debtSeconds(l.ingestBytesPerSecond(), now);
      if (waitRecords > 0 || waitBytes > 0) {
        boolean byRecords = waitRecords >= waitBytes;
        Limit limit = byRecords ? Limit.INGEST_RECORDS_PER_SECOND : Limit.INGEST_BYTES_PER_SECOND;
        double value = byRecords ? l.ingestRecordsPerSecond() : l.ingestBytesPerSecond();
        int retry = (int) Math.max(1, Math.ceil(Math.max(waitRecords, waitBytes)));
        limits.exceeded(tenant, limit);
        throw LookoutException.rateLimited("tenant '" + tenant + "' is over its ingest limit "
            + limit.key() + " of " + format(value) + (byRecords ? " records" : " bytes") + " per second: retry in "
            + retry + "s, send less, or " + limit.remedy(tenant), retry);
      }
      s.records.take(l.ingestRecordsPerSecond(), records);
      s.bytes.take(l.ingestBytesPerSecond(), bytes);
    }
  }

  /** A batch cut to the series the tenant may write, and what was cut. */
  public record SeriesAdmission(SeriesBatch batch, long rejectedSamples, String message) {}

  /**
   * Keeps the series of {@code batch} that are active or fit under the tenant's active-series
   * limit; the samples of the others are rejected.
   */
  public SeriesAdmission admitSeries(String tenant, SeriesBatch batch) {
    TenantLimits l = limits.of(tenant);
    long max = l.maxActiveSeries();
    if (max <= 0 || batch.series().isEmpty()) {
      return new SeriesAdmission(batch, 0, "");
    }
    TenantState s = state(tenant);
    long now = nanoTime.getAsLong();
    List<SeriesBatch.Series> kept = null;
    long rejected = 0;
    synchronized (s) {
      s.rotateIfDue(now);
      List<SeriesBatch.Series> all = batch.series();
      for (int i = 0; i < all.size(); i++) {
        SeriesBatch.Series series = all.get(i);
        long h = hashes.of(series.labels());
        boolean ok = s.series.touchIfPresent(h);
        if (!ok && s.series.size() < max) {
          s.series.add(h);
          ok = true;
        }
        if (!ok) {
          if (kept == null) {
            kept = new ArrayList<>(all.subList(0, i));
          }
          rejected += series.samples().size() + series.histograms().size();
        } else if (kept != null) {
          kept.add(series);
        }
      }
    }
    if (kept == null) {
      return new SeriesAdmission(batch, 0, "");
    }
    limits.exceeded(tenant, Limit.MAX_ACTIVE_SERIES);
    String message = "tenant '" + tenant + "' is at its limit " + Limit.MAX_ACTIVE_SERIES.key() + " of " + max
        + " series: rejected " + rejected + " samples of new series; " + Limit.MAX_ACTIVE_SERIES.remedy(tenant);
    return new SeriesAdmission(new SeriesBatch(kept, batch.metadata()), rejected, message);
  }

  /** Active series of a tenant, for tests and diagnostics. */
  public int activeSeries(String tenant) {
    TenantState s = tenants.get(tenant);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.series.size();
    }
  }

  private TenantState state(String tenant) {
    return tenants.computeIfAbsent(tenant, t -> new TenantState(nanoTime.getAsLong()));
  }

  /** 64-bit FNV-1a over the label names and values. */
  static long hash(Labels labels) {
    long h = 0xcbf29ce484222325L;
    for (Labels.Label label : labels.list()) {
      h = fnv(h, label.name());
      h = (h ^ 0xff) * 0x100000001b3L;
      h = fnv(h, label.value());
      h = (h ^ 0xfe) * 0x100000001b3L;
    }
    return h;
  }

  private static long fnv(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /**
   * {@link #hash} of recently seen label sets, by identity: the OTLP series cache and the
   * remote_write labels cache hand out the same {@link Labels} instance for a series in every
   * request, so the UTF-8 encoding and hashing of its labels is done once, not per request.
   * Direct-mapped and bounded (a collision recomputes); entries are immutable, so the racy slots
   * are safe to share between threads.
   */
  static final class HashMemo {
    private static final int SLOTS = 1 << 16;

    private record Entry(Labels labels, long hash) {}

    private final Entry[] slots = new Entry[SLOTS];

    long of(Labels labels) {
      int i = mix(System.identityHashCode(labels)) & (SLOTS - 1);
      Entry e = slots[i];
      if (e != null && e.labels == labels) {
        return e.hash;
      }
      long h = hash(labels);
      slots[i] = new Entry(labels, h);
      return h;
    }

    private static int mix(int h) {
      return h ^ (h >>> 16);
    }
  }

  private static String format(double v) {
    return v == Math.rint(v) && v < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static final class TenantState {
    final Bucket records;
    final Bucket bytes;
    final SeriesTracker series = new SeriesTracker();
    long generationStart;

    TenantState(long now) {
      records = new Bucket(now);
      bytes = new Bucket(now);
      generationStart = now;
    }

    void rotateIfDue(long now) {
      if (now - generationStart >= GENERATION_NANOS) {
        series.rotate();
        if (now - generationStart >= 2 * GENERATION_NANOS) {
          series.rotate(); // idle for two generations: nothing is active any more
        }
        generationStart = now;
      }
    }
  }

  /** A token bucket with a burst of one second of its rate that may go into debt. */
  private static final class Bucket {
    private double tokens = Double.NaN; // full on first use, at whatever rate is then configured
    private long last;

    Bucket(long now) {
      last = now;
    }

    /** Seconds until the bucket is out of debt (0 when it is not in debt); refills first. */
    double debtSeconds(double rate, long now) {
      if (rate <= 0) {
        tokens = Double.NaN;
        last = now;
        return 0;
      }
      if (Double.isNaN(tokens)) {
        tokens = rate;
      } else {
        tokens = Math.min(rate, tokens + rate * Math.max(0, now - last) / 1e9);
      }
      last = now;
      return tokens < 0 ? -tokens / rate : 0;
    }

    void take(double rate, long n) {
      if (rate > 0) {
        tokens -= n;
      }
    }
  }
}
