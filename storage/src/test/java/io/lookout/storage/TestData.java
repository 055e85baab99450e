package io.lookout.storage;

import io.lookout.model.LogRecord;
import io.lookout.model.Span;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Records and helpers shared by the storage tests. */
final class TestData {
  static final long SECOND = 1_000_000_000L;

  private TestData() {}

  static long nowNanos() {
    Instant i = Instant.now();
    return i.getEpochSecond() * SECOND + i.getNano();
  }

  static LogRecord log(long ts, String service, String body) {
    return new LogRecord(ts, ts + 5, 9, "INFO", body, service, "", "", Map.of("seq", ts), Map.of(), "");
  }

  static List<LogRecord> logs(long firstTs, int n, String service) {
    List<LogRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(log(firstTs + i * 1_000_000L, service, "message number " + i + " from " + service));
    }
    return out;
  }

  static Span span(String traceId, String spanId, String parent, long start, String service) {
    return new Span(traceId, spanId, parent, "", "op-" + spanId, 2, start, start + 1_000_000, 0, "", service,
        Map.of(), Map.of(), "", List.of(), List.of());
  }

  static LogQuery query(String tenant, String q, long start, long end, int limit, Direction dir, String cursor) {
    return new LogQuery(tenant, q, start, end, limit, dir, cursor, 10_000);
  }

  /** Matches of a query over all time (counting from doc values, not loading documents). */
  static long count(LogStore store, String tenant, String q) {
    return store.fieldValues(query(tenant, q, 0, Long.MAX_VALUE, 1, Direction.BACKWARD, null), "service", 1)
        .matched();
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static void awaitCount(LogStore store, String tenant, String q, long expected) {
    await(expected + " matches of '" + q + "'", () -> count(store, tenant, q) == expected);
  }
}
