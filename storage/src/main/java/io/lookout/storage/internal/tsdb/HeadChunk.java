package io.lookout.storage.internal.tsdb;

import io.lookout.model.metrics.NativeHistogram;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-order chunk of a series in the head: floats (Gorilla) or native histograms, within one
 * partition. Guarded by the series lock. {@code persistedCount} is how many samples the index
 * holds (an open chunk is persisted as a snapshot at each commit and replaced at the next).
 */
final class HeadChunk {
  static final int MAX_SAMPLES = 120;

  final long id;
  final long partStartMs;
  final XorChunk floats;
  final List<NativeHistogram> hists;
  boolean open = true;
  int persistedCount;

  HeadChunk(long id, long partStartMs, boolean histogram) {
    this.id = id;
    this.partStartMs = partStartMs;
    this.floats = histogram ? null : new XorChunk();
    this.hists = histogram ? new ArrayList<>() : null;
  }

  boolean isHistogram() {
    return hists != null;
  }

  int count() {
    return floats != null ? floats.count() : hists.size();
  }

  long minT() {
    return floats != null ? floats.minT() : hists.get(0).timestampMillis();
  }

  long maxT() {
    return floats != null ? floats.maxT() : hists.get(hists.size() - 1).timestampMillis();
  }

  byte[] bytes() {
    return floats != null ? floats.bytes() : HistogramCodec.encodeChunk(hists);
  }

  /** The bytes to persist: floats packed when their values allow it (see {@link PackedChunk}). */
  byte[] persistBytes() {
    return floats != null ? PackedChunk.encode(floats) : HistogramCodec.encodeChunk(hists);
  }

  boolean dirty() {
    return count() > persistedCount;
  }

  /** The value stored at {@code t}: a Double, a NativeHistogram, or null. */
  Object valueAt(long t) {
    if (count() == 0 || t < minT() || t > maxT()) {
      return null;
    }
    if (hists != null) {
      for (NativeHistogram h : hists) {
        if (h.timestampMillis() == t) {
          return h;
        }
      }
      return null;
    }
    Object[] found = new Object[1];
    byte[] b = floats.bytes();
    XorChunk.decode(b, 0, b.length, (ts, v) -> {
      if (ts == t) {
        found[0] = v;
      }
    });
    return found[0];
  }

  long memoryBytes() {
    return floats != null ? floats.sizeBytes() + 64 : 64 + hists.size() * 160L;
  }
}
