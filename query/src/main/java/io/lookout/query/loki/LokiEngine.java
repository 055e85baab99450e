package io.lookout.query.loki;

import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.query.loki.Logql.LogExpr;
import io.lookout.query.loki.Logql.MatchOp;
import io.lookout.query.loki.Logql.Matcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Runs LogQL log queries over {@link LogStore#search}: pages through the hits in time order with
 * the store's cursor, the Lucene query narrowed only where no match can be lost (the time range,
 * and {@code service:"x"} for a {@code service_name="x"} matcher), and evaluates selector and
 * pipeline in Java. A query that reads more than {@code maxScanned} records is refused.
 */
final class LokiEngine {
  static final int PAGE = 1000;
  /** Longest value a keyword field keeps in the index; longer service names are not narrowed on. */
  private static final int MAX_KEYWORD = 1024;

  private final LogStore store;
  private final long maxScanned;

  LokiEngine(LogStore store, long maxScanned) {
    this.store = store;
    this.maxScanned = maxScanned;
  }

  long maxScanned() {
    return maxScanned;
  }

  /** One matching line. */
  record Hit(long ts, TreeMap<String, String> labels, String line) {}

  /**
   * Visits the records of a selector in {@code [start, end]} (inclusive) in {@code direction}
   * order that pass the pipeline, until {@code visitor} returns false.
   */
  void scan(String tenant, LogExpr expr, long start, long end, Direction direction, long timeoutMillis,
      Predicate<Hit> visitor) {
    Pipeline pipeline = new Pipeline(expr);
    String lucene = luceneQuery(expr);
    String cursor = null;
    long scanned = 0;
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
      LogPage page = store.search(new LogQuery(tenant, lucene, start, end, PAGE, direction, cursor, left));
      for (LogRecord r : page.hits()) {
        if (++scanned > maxScanned) {
          throw new LookoutException(ErrorCode.EXECUTION, "the query reads more than " + maxScanned
              + " log lines, the limit of lines scanned per Loki query (LOOKOUT_LOKI_MAX_SCANNED_LINES):"
              + " narrow the time range or the stream selector, e.g. with service_name=\"...\"");
        }
        Pipeline.Result res = pipeline.apply(r);
        if (res != null && !visitor.test(new Hit(r.timestampNanos(), res.labels(), res.line()))) {
          return;
        }
      }
      if (page.nextCursor() == null || page.hits().isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new LookoutException(ErrorCode.TIMEOUT, "query did not finish within " + timeoutMillis
            + "ms (LOOKOUT_QUERY_TIMEOUT): narrow the time range or the stream selector");
      }
      cursor = page.nextCursor();
    }
  }

  /** The streams of a log query: at most {@code limit} lines in all, newest first when backward. */
  Map<TreeMap<String, String>, List<Hit>> logs(String tenant, LogExpr expr, long start, long end, int limit,
      Direction direction, long timeoutMillis) {
    Map<TreeMap<String, String>, List<Hit>> streams = new LinkedHashMap<>();
    int[] n = {0};
    if (limit <= 0) {
      return streams;
    }
    scan(tenant, expr, start, end, direction, timeoutMillis, h -> {
      streams.computeIfAbsent(h.labels(), k -> new ArrayList<>()).add(h);
      return ++n[0] < limit;
    });
    return streams;
  }

  /** The Lucene query: service:"x" for a service_name="x" matcher, else everything in the range. */
  static String luceneQuery(LogExpr expr) {
    for (Matcher m : expr.matchers()) {
      if (m.name().equals("service_name") && m.op() == MatchOp.EQ && !m.value().isEmpty()
          && m.value().length() <= MAX_KEYWORD) {
        return "service:" + quote(m.value());
      }
    }
    return "*";
  }

  /** A Lucene phrase: the value in double quotes, with backslash and quote escaped. */
  static String quote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static int bytes(String line) {
    int n = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
