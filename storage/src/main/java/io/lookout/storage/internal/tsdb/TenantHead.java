package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.MetricMetadata;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory series of one tenant: labels to series, ref to series, and series by metric name
 * (the usual first matcher). Refs are 64-bit hashes of the labels, probed past collisions.
 */
final class TenantHead {
  final String tenant;
  private final Map<Labels, MemSeries> byLabels = new ConcurrentHashMap<>();
  private final Map<Long, MemSeries> byRef = new ConcurrentHashMap<>();
  private final Map<String, Set<MemSeries>> byName = new ConcurrentHashMap<>();
  final Map<String, MetricMetadata> metadata = new ConcurrentHashMap<>();
  volatile boolean metadataDirty;

  TenantHead(String tenant) {
    this.tenant = tenant;
  }

  MemSeries get(Labels labels) {
    return byLabels.get(labels);
  }

  MemSeries getOrCreate(Labels labels) {
    MemSeries s = byLabels.get(labels);
    return s != null ? s : create(labels, hash(labels));
  }

  /** Registers a series found in an index under the ref it was stored with, when free. */
  MemSeries restore(Labels labels, long ref) {
    MemSeries s = byLabels.get(labels);
    return s != null ? s : create(labels, ref);
  }

  private synchronized MemSeries create(Labels labels, long ref) {
    MemSeries s = byLabels.get(labels);
    if (s != null) {
      return s;
    }
    while (byRef.containsKey(ref)) {
      ref++;
    }
    s = new MemSeries(labels, ref);
    byRef.put(ref, s);
    byName.computeIfAbsent(s.name, k -> ConcurrentHashMap.newKeySet()).add(s);
    byLabels.put(labels, s);
    return s;
  }

  synchronized void remove(MemSeries s) {
    s.removed = true;
    byLabels.remove(s.labels, s);
    byRef.remove(s.ref, s);
    Set<MemSeries> set = byName.get(s.name);
    if (set != null) {
      set.remove(s);
    }
  }

  Collection<MemSeries> all() {
    return byLabels.values();
  }

  Collection<MemSeries> named(String name) {
    Set<MemSeries> s = byName.get(name);
    return s == null ? java.util.List.of() : s;
  }

  int size() {
    return byLabels.size();
  }

  static long hash(Labels labels) {
    long h = 0xcbf29ce484222325L;
    for (Labels.Label l : labels.list()) {
      h = mix(h, l.name());
      h = (h ^ 0xff) * 0x100000001b3L;
      h = mix(h, l.value());
      h = (h ^ 0xfe) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}
