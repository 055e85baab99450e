package io.lookout.query.internal;

import io.lookout.model.LogRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one live tail stands: the newest timestamp sent and the lines already sent in the lookback
 * window behind it, so that each poll searches {@code [from(now), future]} again and sends only
 * what is new. Lines that become searchable late (refresh, slow senders) are still sent as long as
 * their timestamp is within the lookback window. Not thread-safe: one poll at a time.
 */
public final class TailCursor {
  /** Fingerprints remembered at most; past this the oldest timestamps are forgotten first. */
  static final int MAX_REMEMBERED = 200_000;

  private final long startNanos;
  private final long lookbackNanos;
  private final int maxRemembered;
  /** timestamp -> fingerprint -> how many such lines were sent. */
  private final TreeMap<Long, Map<Integer, Integer>> sent = new TreeMap<>();
  private int remembered;
  private long newest = Long.MIN_VALUE;

  public TailCursor(long startNanos, long lookbackNanos) {
    this(startNanos, lookbackNanos, MAX_REMEMBERED);
  }

  TailCursor(long startNanos, long lookbackNanos, int maxRemembered) {
    this.startNanos = startNanos;
    this.lookbackNanos = lookbackNanos;
    this.maxRemembered = maxRemembered;
  }

  /** The lower bound (inclusive) of the next search. */
  public long from(long nowNanos) {
    if (newest == Long.MIN_VALUE) {
      return startNanos;
    }
    return Math.max(startNanos, Math.min(newest, nowNanos) - lookbackNanos);
  }

  /**
   * Takes the hits of a search from {@code from}, newest first, and returns those not sent yet,
   * oldest first; they count as sent from now on.
   */
  public List<LogRecord> accept(List<LogRecord> newestFirst, long from) {
    forgetBefore(from);
    Map<Long, Map<Integer, List<LogRecord>>> page = new HashMap<>();
    for (LogRecord r : newestFirst) {
      page.computeIfAbsent(r.timestampNanos(), t -> new HashMap<>())
          .computeIfAbsent(fingerprint(r), f -> new ArrayList<>()).add(r);
    }
    List<LogRecord> fresh = new ArrayList<>();
    page.forEach((ts, byPrint) -> {
      Map<Integer, Integer> known = sent.computeIfAbsent(ts, t -> new HashMap<>());
      byPrint.forEach((print, lines) -> {
        int before = known.getOrDefault(print, 0);
        if (lines.size() > before) {
          fresh.addAll(lines.subList(before, lines.size()));
          known.put(print, lines.size());
          remembered += lines.size() - before;
        }
      });
    });
    fresh.sort((a, b) -> Long.compare(a.timestampNanos(), b.timestampNanos()));
    if (!fresh.isEmpty()) {
      newest = Math.max(newest, fresh.get(fresh.size() - 1).timestampNanos());
    }
    while (remembered > maxRemembered && !sent.isEmpty()) {
      remembered -= sent.pollFirstEntry().getValue().values().stream().mapToInt(Integer::intValue).sum();
    }
    return fresh;
  }

  /** Lines remembered as sent (for tests and bounds). */
  int remembered() {
    return remembered;
  }

  private void forgetBefore(long from) {
    while (!sent.isEmpty() && sent.firstKey() < from) {
      remembered -= sent.pollFirstEntry().getValue().values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static int fingerprint(LogRecord r) {
    // the timestamp is the map key; the rest tells apart lines of the same instant
    return java.util.Objects.hash(r.body(), r.service(), r.severityNumber(), r.traceId(), r.spanId(),
        r.attributes(), r.resource(), r.scopeName());
  }
}
