package io.lookout.ingest.metrics;

import io.lookout.model.metrics.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validated label sets by the protobuf bytes they were decoded from. Senders repeat the same
 * series in every request, so a hit skips UTF-8 decoding, sorting and validation, and hands the
 * store the same {@link Labels} instance each time (its strings' hashes already computed, equal by
 * identity). Bounded: past {@code maxEntries} it starts over empty. Thread-safe.
 */
public final class LabelsCache {
  /** Entries kept by default: about 20 MB for typical node-exporter label sets. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int maxEntries;
  private final ConcurrentHashMap<Key, Labels> map = new ConcurrentHashMap<>();

  public LabelsCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** The labels decoded earlier from {@code bytes[from, to)}, or null. */
  Labels get(byte[] bytes, int from, int to, int hash) {
    return map.get(new Key(bytes, from, to, hash));
  }

  void put(byte[] bytes, int from, int to, int hash, Labels labels) {
    if (map.size() >= maxEntries) {
      map.clear();
    }
    map.put(new Key(Arrays.copyOfRange(bytes, from, to), 0, to - from, hash), labels);
  }

  int size() {
    return map.size();
  }

  static int hash(byte[] b, int from, int to) {
    long h = 0x9E3779B97F4A7C15L ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0xff51afd7ed558ccdL;
      h ^= h >>> 29;
    }
    for (; i < to; i++) {
      h = (h ^ b[i]) * 0x100000001b3L;
    }
    h ^= h >>> 32;
    return (int) h;
  }

  private record Key(byte[] bytes, int from, int to, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
