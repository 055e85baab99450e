package io.lookout.ingest.metrics;

import io.lookout.model.Span;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The span metrics of one tenant: per label combination (service, span name, kind, status) the
 * cumulative call count, duration bucket counts and duration sum. Bounded: a span of a combination
 * not yet seen is dropped once {@code maxCombinations} exist. Thread-safe; the lock is held only
 * to update counts or to copy them, series are built outside it.
 */
final class SpanMetricsTable {
  /** Upper bounds of the duration buckets in nanoseconds, without +Inf (the spanmetrics connector's defaults). */
  static final long[] BOUNDS_NANOS = {
      2_000_000L, 4_000_000L, 6_000_000L, 8_000_000L, 10_000_000L, 50_000_000L, 100_000_000L, 200_000_000L,
      400_000_000L, 800_000_000L, 1_000_000_000L, 1_400_000_000L, 2_000_000_000L, 5_000_000_000L,
      10_000_000_000L, 15_000_000_000L};

  /** The {@code le} label values, +Inf last. */
  static final String[] LE = leValues();

  private record Key(String service, String spanName, int kind, int status) {}

  private static final class Cell {
    long calls;
    /** Per bucket, not cumulative; the last one is +Inf. */
    final long[] buckets = new long[BOUNDS_NANOS.length + 1];
    double sumSeconds;
  }

  private record Copy(Key key, long calls, long[] buckets, double sumSeconds) {}

  private final int maxCombinations;
  private final Map<Key, Cell> cells = new HashMap<>();

  SpanMetricsTable(int maxCombinations) {
    this.maxCombinations = maxCombinations;
  }

  /** Outcome of {@link #record}: spans dropped for the limit and combinations created. */
  record Recorded(long dropped, int created) {}

  Recorded record(List<Span> spans) {
    long dropped = 0;
    int created = 0;
    synchronized (this) {
      for (Span s : spans) {
        Key key = new Key(s.service(), s.name(), normalizedKind(s.kind()), normalizedStatus(s.statusCode()));
        Cell c = cells.get(key);
        if (c == null) {
          if (cells.size() >= maxCombinations) {
            dropped++;
            continue;
          }
          c = new Cell();
          cells.put(key, c);
          created++;
        }
        long nanos = s.durationNanos();
        c.calls++;
        c.buckets[bucket(nanos)]++;
        c.sumSeconds += nanos / 1e9;
      }
    }
    return new Recorded(dropped, created);
  }

  synchronized int size() {
    return cells.size();
  }

  /** Every combination as cumulative series with one sample at {@code timestampMillis}. */
  List<SeriesBatch.Series> series(long timestampMillis) {
    List<Copy> copies;
    synchronized (this) {
      copies = new ArrayList<>(cells.size());
      cells.forEach((k, c) -> copies.add(new Copy(k, c.calls, c.buckets.clone(), c.sumSeconds)));
    }
    List<SeriesBatch.Series> out = new ArrayList<>(copies.size() * (LE.length + 3));
    for (Copy c : copies) {
      Labels base = Labels.builder()
          .put("job", SpanMetrics.JOB)
          .put("service", c.key.service)
          .put("span_name", c.key.spanName)
          .put("span_kind", Span.kindName(c.key.kind))
          .put("status_code", Span.statusName(c.key.status))
          .build();
      out.add(series(base, SpanMetrics.CALLS, null, timestampMillis, c.calls));
      long cumulative = 0;
      for (int i = 0; i < LE.length; i++) {
        cumulative += c.buckets[i];
        out.add(series(base, SpanMetrics.DURATION + "_bucket", LE[i], timestampMillis, cumulative));
      }
      out.add(series(base, SpanMetrics.DURATION + "_sum", null, timestampMillis, c.sumSeconds));
      out.add(series(base, SpanMetrics.DURATION + "_count", null, timestampMillis, c.calls));
    }
    return out;
  }

  private static SeriesBatch.Series series(Labels base, String name, String le, long t, double value) {
    Labels.Builder b = base.toBuilder().put(Labels.NAME, name);
    if (le != null) {
      b.put("le", le);
    }
    return SeriesBatch.Series.ofSamples(b.build(), List.of(new Sample(t, value)));
  }

  /** Index of the bucket holding a duration: the first bound at or above it, +Inf past the last. */
  static int bucket(long nanos) {
    int i = Arrays.binarySearch(BOUNDS_NANOS, nanos);
    return i >= 0 ? i : -i - 1;
  }

  private static int normalizedKind(int kind) {
    return kind >= 1 && kind <= 5 ? kind : 0;
  }

  private static int normalizedStatus(int status) {
    return status == 1 || status == 2 ? status : 0;
  }

  private static String[] leValues() {
    String[] le = new String[BOUNDS_NANOS.length + 1];
    for (int i = 0; i < BOUNDS_NANOS.length; i++) {
      le[i] = PrometheusNames.formatFloat(BOUNDS_NANOS[i] / 1e9);
    }
    le[BOUNDS_NANOS.length] = "+Inf";
    return le;
  }
}
