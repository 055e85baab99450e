package io.lookout.storage;

import static io.lookout.storage.TestData.SECOND;
import static io.lookout.storage.TestData.await;
import static io.lookout.storage.TestData.awaitCount;
import static io.lookout.storage.TestData.count;
import static io.lookout.storage.TestData.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lookout.model.ErrorCode;
import io.lookout.model.LogRecord;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.AppendResult;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour every LogStore and SpanStore must show; run through a concrete subclass per backend. */
abstract class StorageContract {
  /** One opened backend. */
  protected interface Harness extends AutoCloseable {
    LogStore logs();

    SpanStore spans();

    /** Stops indexing until closed, so accepted data stays queued. */
    AutoCloseable pauseIndexing();

    @Override
    void close();
  }

  protected abstract Harness open(Path dir, long indexQueueBytes);

  @TempDir Path dir;
  Harness h;
  LogStore logs;
  SpanStore spans;
  final long base = TestData.nowNanos() - 3600 * SECOND;

  @BeforeEach
  void start() {
    h = open(dir.resolve("data"), 256L << 20);
    logs = h.logs();
    spans = h.spans();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void append(String tenant, List<LogRecord> records) {
    AppendResult r = logs.append(tenant, records).join();
    assertThat(r.accepted()).isEqualTo(records.size());
  }

  private List<LogRecord> all(String tenant, Direction dir) {
    return logs.search(query(tenant, "*", 0, Long.MAX_VALUE, 10_000, dir, null)).hits();
  }

  @Test
  void logRoundTripKeepsEveryFieldAndTypedAttributes() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k", "v");
    nested.put("n", 2L);
    nested.put("list", List.of(1L, "two", 3.5, false));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("s", "text");
    attrs.put("l", -42L);
    attrs.put("d", 3.25);
    attrs.put("b", true);
    attrs.put("arr", List.of("a", 1L));
    attrs.put("map", nested);
    attrs.put("unicode", "grüße ✓");
    LogRecord r = new LogRecord(base, base + 17, 17, "ERROR", "payment failed: card declined", "checkout",
        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", attrs,
        Map.of("service.name", "checkout", "host.name", "h1"), "io.lookout.test");
    append("t1", List.of(r));
    awaitCount(logs, "t1", "*", 1);
    LogRecord back = all("t1", Direction.BACKWARD).getFirst();
    assertThat(back).isEqualTo(r);
    assertThat(back.attributes().get("l")).isInstanceOf(Long.class);
    assertThat(back.attributes().get("d")).isInstanceOf(Double.class);
    assertThat(back.attributes().get("b")).isInstanceOf(Boolean.class);
    assertThat(back.attributes().get("arr")).isInstanceOf(List.class);
    assertThat(back.attributes().get("map")).isInstanceOf(Map.class);
  }

  @Test
  void querySyntaxWorksOnEachField() {
    LogRecord a = new LogRecord(base, base, 17, "ERROR", "Connection refused by upstream db-1", "checkout",
        "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        Map.of("http.method", "GET", "status", 500L, "ok", false, "tags", List.of("x", "y")),
        Map.of("host.name", "h1"), "scope.a");
    LogRecord b = new LogRecord(base + 1, base + 1, 9, "Informational", "connection established to db-2", "payments",
        "", "", Map.of("http.method", "POST", "status", 200L), Map.of("host.name", "h2"), "scope.b");
    LogRecord c = new LogRecord(base + 2, base + 2, 13, "", "refused: quota exceeded", "checkout", "", "",
        Map.of(), Map.of(), "");
    append("t1", List.of(a, b, c));
    awaitCount(logs, "t1", "*", 3);
    assertThat(count(logs, "t1", "")).isEqualTo(3);
    assertThat(count(logs, "t1", "refused")).isEqualTo(2);
    assertThat(count(logs, "t1", "REFUSED")).isEqualTo(2);
    assertThat(count(logs, "t1", "connection refused")).isEqualTo(1);
    assertThat(count(logs, "t1", "connection OR quota")).isEqualTo(3);
    assertThat(count(logs, "t1", "connection -refused")).isEqualTo(1);
    assertThat(count(logs, "t1", "\"connection refused\"")).isEqualTo(1);
    assertThat(count(logs, "t1", "\"refused connection\"")).isEqualTo(0);
    assertThat(count(logs, "t1", "db-1")).isEqualTo(1);
    assertThat(count(logs, "t1", "conn*")).isEqualTo(2);
    assertThat(count(logs, "t1", "body:quota")).isEqualTo(1);
    assertThat(count(logs, "t1", "service:checkout")).isEqualTo(2);
    assertThat(count(logs, "t1", "service:checkout AND refused")).isEqualTo(2);
    assertThat(count(logs, "t1", "severity:ERROR")).isEqualTo(1);
    assertThat(count(logs, "t1", "severity:error")).isEqualTo(1);
    assertThat(count(logs, "t1", "severity:INFO")).as("level name of the number").isEqualTo(1);
    assertThat(count(logs, "t1", "severity:informational")).as("text as sent").isEqualTo(1);
    assertThat(count(logs, "t1", "severity:warn")).isEqualTo(1);
    assertThat(count(logs, "t1", "severity_number:17")).isEqualTo(1);
    assertThat(count(logs, "t1", "severity_number:[13 TO 24]")).isEqualTo(2);
    assertThat(count(logs, "t1", "severity_number:{13 TO *]")).isEqualTo(1);
    assertThat(count(logs, "t1", "trace_id:0af7651916cd43dd8448eb211c80319c")).isEqualTo(1);
    assertThat(count(logs, "t1", "span_id:b7ad6b7169203331")).isEqualTo(1);
    assertThat(count(logs, "t1", "scope:scope.b")).isEqualTo(1);
    assertThat(count(logs, "t1", "attributes.http.method:GET")).isEqualTo(1);
    assertThat(count(logs, "t1", "attributes.status:500")).isEqualTo(1);
    assertThat(count(logs, "t1", "attributes.ok:false")).isEqualTo(1);
    assertThat(count(logs, "t1", "attributes.tags:\"[\\\"x\\\",\\\"y\\\"]\"")).isEqualTo(1);
    assertThat(count(logs, "t1", "resource.host.name:h2")).isEqualTo(1);
    assertThat(count(logs, "t1", "attributes.http.method:*")).isEqualTo(2);
  }

  @Test
  void malformedQueryIsBadData() {
    assertThatThrownBy(() -> count(logs, "t1", "service:(unclosed"))
        .isInstanceOfSatisfying(LookoutException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA);
          assertThat(e.getMessage()).startsWith("invalid query: ").contains("Lucene query syntax");
        });
    assertThatThrownBy(() -> count(logs, "t1", "severity_number:high"))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
  }

  @Test
  void rangeFiltersOnTimestampInclusively() {
    append("t1", TestData.logs(base, 10, "svc"));
    awaitCount(logs, "t1", "*", 10);
    long ms = 1_000_000L;
    LogPage p = logs.search(query("t1", "*", base + 2 * ms, base + 5 * ms, 100, Direction.FORWARD, null));
    assertThat(p.hits()).extracting(LogRecord::timestampNanos)
        .containsExactly(base + 2 * ms, base + 3 * ms, base + 4 * ms, base + 5 * ms);
    assertThat(p.nextCursor()).isNull();
  }

  @Test
  void ordersNewestFirstOrOldestFirst() {
    List<LogRecord> recs = TestData.logs(base, 20, "svc");
    append("t1", recs.subList(10, 20));
    append("t1", recs.subList(0, 10));
    awaitCount(logs, "t1", "*", 20);
    assertThat(all("t1", Direction.BACKWARD)).extracting(LogRecord::timestampNanos)
        .isSortedAccordingTo((x, y) -> Long.compare(y, x)).hasSize(20);
    assertThat(all("t1", Direction.FORWARD)).containsExactlyElementsOf(recs);
  }

  @Test
  void cursorPagingReturnsEachHitOnceWhileDataArrives() {
    List<LogRecord> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // pairs of records share a timestamp so that the id tie-break matters
      first.add(TestData.log(base + (i / 2) * 1000L, "svc", "original " + i));
    }
    append("t1", first);
    awaitCount(logs, "t1", "*", 30);
    int added = 0;
    for (Direction dir : Direction.values()) {
      List<LogRecord> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        LogPage page = logs.search(query("t1", "original", 0, Long.MAX_VALUE, 7, dir, cursor));
        seen.addAll(page.hits());
        cursor = page.nextCursor();
        pages++;
        // newer, older and same-timestamp records arrive between pages
        List<LogRecord> more = List.of(TestData.log(base + 10 * SECOND + added, "svc", "original late " + added),
            TestData.log(base - SECOND - added, "svc", "original early " + added),
            TestData.log(base + 5000L, "svc", "original same-ts " + added));
        added++;
        append("t1", more);
        long expected = 30 + 3L * added;
        awaitCount(logs, "t1", "*", expected);
      } while (cursor != null && pages < 50);
      List<LogRecord> originals = seen.stream().filter(r -> r.body().matches("original \\d+")).toList();
      assertThat(originals).hasSize(30);
      assertThat(new HashSet<>(originals)).hasSize(30);
      Set<String> distinct = new HashSet<>();
      for (LogRecord r : seen) {
        assertThat(distinct.add(r.timestampNanos() + "/" + r.body())).as("duplicate hit %s", r).isTrue();
      }
    }
  }

  @Test
  void histogramCountsPerAlignedBucket() {
    long step = 60 * SECOND;
    long origin = Math.floorDiv(base, step) * step;
    List<LogRecord> recs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      recs.add(TestData.log(origin + i, "svc", "a"));
    }
    for (int i = 0; i < 3; i++) {
      recs.add(TestData.log(origin + 2 * step + i, "svc", "b"));
    }
    recs.add(TestData.log(origin + 2 * step + 1, "svc", "a"));
    append("t1", recs);
    awaitCount(logs, "t1", "*", 9);
    Histogram all = logs.histogram(query("t1", "*", origin + 10, origin + 3 * step - 1, 0, Direction.BACKWARD, null),
        step);
    assertThat(all.buckets()).extracting(Histogram.Bucket::startNanos)
        .containsExactly(origin, origin + step, origin + 2 * step);
    assertThat(all.buckets()).extracting(Histogram.Bucket::count).containsExactly(0L, 0L, 4L);
    Histogram a = logs.histogram(query("t1", "a", origin, origin + 3 * step - 1, 0, Direction.BACKWARD, null), step);
    assertThat(a.buckets()).extracting(Histogram.Bucket::count).containsExactly(5L, 0L, 1L);
    assertThatThrownBy(() -> logs.histogram(query("t1", "*", 0, Long.MAX_VALUE / 2, 0, Direction.BACKWARD, null), 1))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
  }

  @Test
  void fieldValuesAndFieldNames() {
    List<LogRecord> recs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String svc = i < 4 ? "checkout" : "payments";
      recs.add(new LogRecord(base + i, base + i, i < 1 ? 17 : 9, i < 1 ? "ERROR" : "INFO", "hello " + i, svc, "", "",
          Map.of("http.method", i % 2 == 0 ? "GET" : "POST", "code", (long) (200 + i % 3)), Map.of("host", "h1"),
          ""));
    }
    append("t1", recs);
    awaitCount(logs, "t1", "*", 6);
    var q = query("t1", "hello", 0, Long.MAX_VALUE, 0, Direction.BACKWARD, null);
    FieldValues services = logs.fieldValues(q, "service", 10);
    assertThat(services.values()).containsExactly(new FieldValues.ValueCount("checkout", 4),
        new FieldValues.ValueCount("payments", 2));
    assertThat(services.matched()).isEqualTo(6);
    assertThat(services.sampled()).isFalse();
    FieldValues sev = logs.fieldValues(q, "severity", 1);
    assertThat(sev.values()).containsExactly(new FieldValues.ValueCount("INFO", 5));
    FieldValues methods = logs.fieldValues(q, "attributes.http.method", 10);
    assertThat(methods.values()).containsExactlyInAnyOrder(new FieldValues.ValueCount("GET", 3),
        new FieldValues.ValueCount("POST", 3));
    assertThat(methods.scanned()).isEqualTo(6);
    FieldValues codes = logs.fieldValues(query("t1", "service:checkout", 0, Long.MAX_VALUE, 0, Direction.BACKWARD,
        null), "attributes.code", 10);
    assertThat(codes.values()).containsExactly(new FieldValues.ValueCount("200", 2),
        new FieldValues.ValueCount("201", 1), new FieldValues.ValueCount("202", 1));
    assertThat(logs.fieldNames("t1", 0, Long.MAX_VALUE)).contains("body", "service", "severity",
        "attributes.http.method", "attributes.code", "resource.host").doesNotContain("_src", "_id", "ts")
        .isSorted();
  }

  @Test
  void tenantsAreIsolated() {
    append("t1", TestData.logs(base, 3, "svc"));
    append("t2", TestData.logs(base, 5, "svc"));
    spans.append("t1", List.of(TestData.span("aa", "01", "", base, "svc"))).join();
    awaitCount(logs, "t1", "*", 3);
    awaitCount(logs, "t2", "*", 5);
    assertThat(count(logs, "nobody", "*")).isZero();
    await("span", () -> spans.trace("t1", "aa", 10, 1000).isPresent());
    assertThat(spans.trace("t2", "aa", 10, 1000)).isEmpty();
  }

  @Test
  void recordsOlderThanRetentionAreRejected() {
    long old = TestData.nowNanos() - 8 * 86_400 * SECOND;
    AppendResult r = logs.append("t1", List.of(TestData.log(old, "svc", "too old"),
        TestData.log(base, "svc", "fresh"))).join();
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.message()).contains("LOOKOUT_RETENTION");
    AppendResult s = spans.append("t1", List.of(TestData.span("ab", "01", "", old, "svc"))).join();
    assertThat(s.rejected()).isEqualTo(1);
    awaitCount(logs, "t1", "*", 1);
  }

  @Test
  void appendsAreRefusedAsOverloadedWhenTheQueueIsOverBudget() throws Exception {
    h.close();
    h = open(dir.resolve("tiny"), 1);
    logs = h.logs();
    try (AutoCloseable paused = h.pauseIndexing()) {
      assertThat(logs.append("t1", TestData.logs(base, 2, "svc")).join().accepted()).isEqualTo(2);
      assertThatThrownBy(() -> logs.append("t1", TestData.logs(base, 2, "svc")).join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOfSatisfying(LookoutException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
            assertThat(e.retryAfterSeconds()).isPositive();
            assertThat(e.getMessage()).contains("LOOKOUT_INDEX_QUEUE_BYTES");
          });
    }
    awaitCount(logs, "t1", "*", 2);
    await("queue drained", () -> logs.append("t1", TestData.logs(base, 1, "svc")).handle((r, e) -> e == null).join());
    awaitCount(logs, "t1", "*", 3);
  }

  @Test
  void traceReturnsSpansByStartAndTruncates() {
    Span root = new Span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "", "k=v", "GET /", 2, base + 10,
        base + 100, 2, "boom", "frontend", Map.of("http.status_code", 500L, "ok", false),
        Map.of("host.name", "h1"), "scope",
        List.of(new Span.Event(base + 20, "exception", Map.of("type", "IOException"))),
        List.of(new Span.Link("5bf92f3577b34da6a3ce929d0e0e4736", "10f067aa0ba902b7", "", Map.of("x", 1.5))));
    Span child1 = TestData.span(root.traceId(), "00000000000000a1", root.spanId(), base + 30, "backend");
    Span child2 = TestData.span(root.traceId(), "00000000000000a2", root.spanId(), base + 20, "backend");
    Span other = TestData.span("ffff2f3577b34da6a3ce929d0e0e4736", "00000000000000b1", "", base, "x");
    spans.append("t1", List.of(child1, other, root, child2)).join();
    await("trace", () -> spans.trace("t1", root.traceId(), 10, 1000).map(t -> t.spans().size() == 3).orElse(false));
    Trace t = spans.trace("t1", root.traceId(), 10, 1000).orElseThrow();
    assertThat(t.spans()).containsExactly(root, child2, child1);
    assertThat(t.truncated()).isFalse();
    Trace cut = spans.trace("t1", root.traceId(), 2, 1000).orElseThrow();
    assertThat(cut.spans()).hasSize(2);
    assertThat(cut.truncated()).isTrue();
    Optional<Trace> none = spans.trace("t1", "0000000000000000000000000000dead", 10, 1000);
    assertThat(none).isEmpty();
  }
}
