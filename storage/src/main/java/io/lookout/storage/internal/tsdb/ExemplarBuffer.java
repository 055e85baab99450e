package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.Exemplar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The newest exemplars of one series, at most {@link #CAPACITY}, sorted by timestamp, each marked
 * once an index holds it. Log entries of one series may be applied out of order (several indexer
 * threads), so an older exemplar is inserted in place; an exemplar equal to one kept is ignored.
 * Guarded by the series' monitor.
 */
final class ExemplarBuffer {
  static final int CAPACITY = 100;

  private static final class Slot {
    final Exemplar exemplar;
    boolean persisted;

    Slot(Exemplar exemplar) {
      this.exemplar = exemplar;
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  private int unpersisted;

  /** Keeps {@code e} unless a copy is kept or the buffer is full of newer ones; true when kept. */
  boolean add(Exemplar e) {
    long t = e.timestampMillis();
    int at = slots.size();
    while (at > 0 && slots.get(at - 1).exemplar.timestampMillis() > t) {
      at--;
    }
    for (int i = at - 1; i >= 0 && slots.get(i).exemplar.timestampMillis() == t; i--) {
      if (slots.get(i).exemplar.equals(e)) {
        return false;
      }
    }
    if (slots.size() == CAPACITY) {
      if (at == 0) {
        return false;
      }
      if (!slots.remove(0).persisted) {
        unpersisted--;
      }
      at--;
    }
    slots.add(at, new Slot(e));
    unpersisted++;
    return true;
  }

  /** The exemplars not yet in an index, grouped by partition start; marks them persisted. */
  Map<Long, List<Exemplar>> takeUnpersisted(long partMs) {
    Map<Long, List<Exemplar>> out = new TreeMap<>();
    for (Slot s : slots) {
      if (!s.persisted) {
        s.persisted = true;
        long t = s.exemplar.timestampMillis();
        out.computeIfAbsent(Math.floorDiv(t, partMs) * partMs, k -> new ArrayList<>()).add(s.exemplar);
      }
    }
    unpersisted = 0;
    return out;
  }

  void in(long minT, long maxT, List<Exemplar> out) {
    for (Slot s : slots) {
      long t = s.exemplar.timestampMillis();
      if (t >= minT && t <= maxT) {
        out.add(s.exemplar);
      }
    }
  }

  /** Drops exemplars older than {@code cutoffMs}. */
  void evict(long cutoffMs) {
    while (!slots.isEmpty() && slots.get(0).exemplar.timestampMillis() < cutoffMs) {
      if (!slots.remove(0).persisted) {
        unpersisted--;
      }
    }
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }

  boolean hasUnpersisted() {
    return unpersisted > 0;
  }

  int size() {
    return slots.size();
  }
}
