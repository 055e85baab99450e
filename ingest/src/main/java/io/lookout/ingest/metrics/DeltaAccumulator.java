package io.lookout.ingest.metrics;

import io.lookout.model.metrics.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns delta points into cumulative ones, per series, with bounded memory.
 *
 * <p>Per series it keeps the running total, the start time of the first delta and the end time
 * of the last one. A point is handled by its start ({@code s}) and end ({@code t}) time against
 * the last end time ({@code last}):
 * <ul>
 *   <li>the series' first point starts the total at its own value, with its own start time;
 *   <li>{@code t <= last}: a duplicate or out-of-order point; dropped (returns null);
 *   <li>{@code s >= last} (contiguous, or a gap after lost points) or {@code s} unset: added to
 *       the total;
 *   <li>{@code s < last} (overlaps what was already counted, e.g. a restarted or second
 *       producer): a reset; the total restarts at the point's value with start time {@code s};
 *   <li>a point that cannot be merged (histogram bounds or zero threshold changed): a reset too.
 * </ul>
 *
 * <p>At most {@code maxSeries} series are kept; the least recently updated is evicted. An evicted
 * series, like a reset, starts again from its next delta's value with a new start time: to
 * Prometheus this looks like a counter reset, which {@code rate()} and {@code increase()}
 * handle, and the total accumulated before the eviction is not carried over. State lives in
 * memory only; a restart of the server is a reset of every series.
 */
final class DeltaAccumulator {
  /** Merges a delta into a total; returns null when they are incompatible (treated as reset). */
  @FunctionalInterface
  interface Merger<T> {
    T merge(T total, T delta);
  }

  /** The cumulative value after a point, and whether the point reset the series. */
  record Cumulative<T>(T value, long startNanos, boolean reset) {}

  record Key(String tenant, String kind, Labels labels) {}

  private static final class State {
    Object value;
    long startNanos;
    long lastNanos;
  }

  private final int maxSeries;
  private final Map<Key, State> states;
  private long evictions;

  DeltaAccumulator(int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries must be at least 1, got " + maxSeries);
    }
    this.maxSeries = maxSeries;
    this.states = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, State> eldest) {
        if (size() > DeltaAccumulator.this.maxSeries) {
          evictions++;
          return true;
        }
        return false;
      }
    };
  }

  /** Adds one delta point; null when the point is a duplicate or out of order and was dropped. */
  @SuppressWarnings("unchecked")
  synchronized <T> Cumulative<T> add(Key key, long startNanos, long timeNanos, T delta, Merger<T> merger) {
    State s = states.get(key);
    if (s == null) {
      s = new State();
      s.value = delta;
      s.startNanos = startNanos;
      s.lastNanos = timeNanos;
      states.put(key, s);
      return new Cumulative<>(delta, startNanos, false);
    }
    if (timeNanos <= s.lastNanos) {
      return null;
    }
    T merged = (startNanos != 0 && startNanos < s.lastNanos) ? null : merger.merge((T) s.value, delta);
    boolean reset = merged == null;
    if (reset) {
      s.value = delta;
      s.startNanos = startNanos;
    } else {
      s.value = merged;
    }
    s.lastNanos = timeNanos;
    return new Cumulative<>((T) s.value, s.startNanos, reset);
  }

  synchronized int size() {
    return states.size();
  }

  synchronized long evictions() {
    return evictions;
  }
}
