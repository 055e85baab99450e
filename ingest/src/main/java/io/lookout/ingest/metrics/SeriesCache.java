package io.lookout.ingest.metrics;

import io.lookout.model.metrics.Labels;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translated label sets of OTLP data points, by everything the translation computes them from:
 * the labels of the point's resource and scope ({@link Base}), the Prometheus metric name, and the
 * point's attributes as (key, value as a string) pairs, which is all {@link OtlpLabels#of} reads.
 * Exporters repeat the same series in every request, so a hit skips the sorted maps, name
 * sanitising and validation, and hands the store the same {@link Labels} instance each time. No
 * invalidation is needed: an entry is a pure function of its key. Bounded: past {@code
 * maxEntries} it starts over empty. Thread-safe.
 */
final class SeriesCache {
  /** Entries kept by default (a few hundred bytes each). */
  static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** What an entry holds: the point's labels, or the series of a histogram point. */
  enum Kind { POINT, HISTOGRAM }

  /** The labels a resource and scope give every point, with their hash computed once. */
  static final class Base {
    private final Map<String, String> labels;
    private final int hash;

    Base(Map<String, String> labels) {
      this.labels = labels;
      this.hash = labels.hashCode();
    }

    Map<String, String> labels() {
      return labels;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof Base b && b.hash == hash && b.labels.equals(labels);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A point's cache key; {@code attributes} alternates raw keys and value strings. */
  static final class Key {
    private final Kind kind;
    private final Base base;
    private final String name;
    private final String[] attributes;
    private final int hash;

    private Key(Kind kind, Base base, String name, String[] attributes, int hash) {
      this.kind = kind;
      this.base = base;
      this.name = name;
      this.attributes = attributes;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && k.kind == kind && k.name.equals(name)
          && Arrays.equals(k.attributes, attributes) && k.base.equals(base);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * A point's cache key by the raw protobuf bytes of its attribute fields (tags included): equal
   * bytes decode to equal attributes. Lookups use a view of the request; {@link #put} keeps a copy.
   */
  static final class BytesKey {
    private final Kind kind;
    private final Base base;
    private final String name;
    private final byte[] bytes;
    private final int from;
    private final int to;
    private final int hash;

    private BytesKey(Kind kind, Base base, String name, byte[] bytes, int from, int to, int hash) {
      this.kind = kind;
      this.base = base;
      this.name = name;
      this.bytes = bytes;
      this.from = from;
      this.to = to;
      this.hash = hash;
    }

    BytesKey copy() {
      return new BytesKey(kind, base, name, Arrays.copyOfRange(bytes, from, to), 0, to - from, hash);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesKey k && k.hash == hash && k.kind == kind && k.name.equals(name)
          && Arrays.equals(k.bytes, k.from, k.to, bytes, from, to) && k.base.equals(base);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * The series of one explicit-bucket histogram point: the base labels (attributes and name), the
   * {@code _bucket} labels for the given bounds ({@code +Inf} last), {@code _sum} and {@code _count}.
   */
  record HistogramSeries(Labels base, double[] bounds, Labels[] buckets, Labels sum, Labels count) {
    /** Whether these are the series for {@code other} bounds. */
    boolean matches(List<Double> other) {
      if (other.size() != bounds.length) {
        return false;
      }
      for (int i = 0; i < bounds.length; i++) {
        if (Double.doubleToLongBits(other.get(i)) != Double.doubleToLongBits(bounds[i])) {
          return false;
        }
      }
      return true;
    }

    /** Whether these are the series for the bounds {@code other[0, n)}. */
    boolean matches(double[] other, int n) {
      if (n != bounds.length) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (Double.doubleToLongBits(other[i]) != Double.doubleToLongBits(bounds[i])) {
          return false;
        }
      }
      return true;
    }

    static HistogramSeries of(Labels base, String name, List<Double> bounds) {
      double[] b = new double[bounds.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = bounds.get(i);
      }
      return of(base, name, b, b.length);
    }

    /** The series for the bounds {@code bounds[0, n)}. */
    static HistogramSeries of(Labels base, String name, double[] bounds, int n) {
      double[] b = Arrays.copyOf(bounds, n);
      Labels[] buckets = new Labels[n + 1];
      for (int i = 0; i <= n; i++) {
        double bound = i == n ? Double.POSITIVE_INFINITY : b[i];
        buckets[i] = with(base, name + "_bucket", "le", PrometheusNames.formatFloat(bound));
      }
      return new HistogramSeries(base, b, buckets, with(base, name + "_sum", Labels.NAME, name + "_sum"),
          with(base, name + "_count", Labels.NAME, name + "_count"));
    }
  }

  /** {@code l} with one more label and another name. */
  static Labels with(Labels l, String name, String label, String value) {
    return l.toBuilder().put(label, value).put(Labels.NAME, name).build();
  }

  private final int maxEntries;
  private final ConcurrentHashMap<Object, Object> map = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Base, Base> bases = new ConcurrentHashMap<>();

  SeriesCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries is " + maxEntries + ": it must be at least 1 (default "
          + DEFAULT_MAX_ENTRIES + ")");
    }
    this.maxEntries = maxEntries;
  }

  /**
   * The one {@link Base} instance for these labels (while cached), so that keys of equal bases
   * compare by identity.
   */
  Base base(Map<String, String> labels) {
    Base b = new Base(labels);
    Base known = bases.get(b);
    if (known != null) {
      return known;
    }
    if (bases.size() >= maxEntries) {
      bases.clear();
    }
    known = bases.putIfAbsent(b, b);
    return known != null ? known : b;
  }

  static Key key(Kind kind, Base base, String name, List<KeyValue> attributes) {
    int n = attributes.size();
    String[] kv = new String[2 * n];
    int h = (base.hash * 31 + name.hashCode()) * 31 + kind.ordinal();
    for (int i = 0; i < n; i++) {
      KeyValue a = attributes.get(i);
      String k = a.getKey();
      String v = OtlpLabels.valueString(a.getValue());
      kv[2 * i] = k;
      kv[2 * i + 1] = v;
      h = (h * 31 + k.hashCode()) * 31 + v.hashCode();
    }
    return new Key(kind, base, name, kv, h);
  }

  static BytesKey key(Kind kind, Base base, String name, byte[] bytes, int from, int to) {
    int h = ((base.hash * 31 + name.hashCode()) * 31 + kind.ordinal()) * 31 + LabelsCache.hash(bytes, from, to);
    return new BytesKey(kind, base, name, bytes, from, to, h);
  }

  /** The labels of a point ({@link Key} or {@link BytesKey}), null when not cached. */
  Labels labels(Object key) {
    return map.get(key) instanceof Labels l ? l : null;
  }

  /** The series of a histogram point, null when not cached. */
  HistogramSeries histogram(Object key) {
    return map.get(key) instanceof HistogramSeries s ? s : null;
  }

  /** Caches a value by a copy of the key's bytes (the key views the request). */
  void put(BytesKey key, Object value) {
    put0(key.copy(), value);
  }

  void put(Key key, Object value) {
    put0(key, value);
  }

  private void put0(Object key, Object value) {
    if (map.size() >= maxEntries) {
      map.clear();
    }
    map.put(key, value);
  }

  int size() {
    return map.size();
  }
}
