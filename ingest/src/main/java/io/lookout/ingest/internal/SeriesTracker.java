package io.lookout.ingest.internal;

/**
 * The active series of one tenant: 64-bit label hashes with the generation in which each was last
 * seen, in an open-addressing table (16 bytes per series, no boxing). A generation lasts
 * {@link io.lookout.ingest.IngestLimits#GENERATION_NANOS}; a series not seen in the current or the
 * previous generation is no longer active. Not thread-safe: the owner synchronizes.
 */
public final class SeriesTracker {
  private static final long EMPTY = 0;
  private long[] keys = new long[1024];
  private int[] gens = new int[1024];
  private int size;
  private int generation;

  /** Number of active series. */
  public int size() {
    return size;
  }

  /** True when the series is already active (and marks it seen now). */
  public boolean touchIfPresent(long hash) {
    long h = hash == EMPTY ? 1 : hash;
    int i = find(h);
    if (keys[i] == h) {
      gens[i] = generation;
      return true;
    }
    return false;
  }

  /** Adds a series (must not be present). */
  public void add(long hash) {
    long h = hash == EMPTY ? 1 : hash;
    if ((size + 1) * 2 > keys.length) {
      rehash(keys.length * 2, Integer.MIN_VALUE);
    }
    int i = find(h);
    keys[i] = h;
    gens[i] = generation;
    size++;
  }

  /** Starts a new generation and forgets series not seen in the last two. */
  public void rotate() {
    generation++;
    rehash(keys.length, generation - 1);
  }

  private int find(long h) {
    int mask = keys.length - 1;
    int i = (int) (mix(h) & mask);
    while (keys[i] != EMPTY && keys[i] != h) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void rehash(int capacity, int minGeneration) {
    long[] oldKeys = keys;
    int[] oldGens = gens;
    int live = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY && oldGens[i] >= minGeneration) {
        live++;
      }
    }
    int cap = capacity;
    while (cap > 1024 && live * 8 < cap) {
      cap /= 2; // shrink after many series went away
    }
    keys = new long[cap];
    gens = new int[cap];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY && oldGens[i] >= minGeneration) {
        int j = find(oldKeys[i]);
        keys[j] = oldKeys[i];
        gens[j] = oldGens[i];
        size++;
      }
    }
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
