package io.lookout.storage;

import static io.lookout.storage.TestData.SECOND;
import static io.lookout.storage.TestData.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Span;
import io.lookout.model.spi.DependencyEdge;
import io.lookout.model.spi.Operation;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import io.lookout.model.spi.TraceSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Trace search, services, operations, the service map and RED metrics: part of the storage
 * contract. The shop traces run A SERVER -> A CLIENT -> B SERVER -> B CLIENT -> C SERVER.
 */
abstract class TraceContract extends StorageContract {
  static final long MS = 1_000_000L;
  static final int SHOP_TRACES = 10;

  static String traceId(int i) {
    return String.format("%032x", 0xabc000L + i);
  }

  static String spanId(int trace, int n) {
    return String.format("%012x%04x", 0xdef000L + trace, n);
  }

  static Span span(String trace, String id, String parent, String name, int kind, long start, long duration,
      int status, String service, Map<String, Object> attributes) {
    return new Span(trace, id, parent, "", name, kind, start, start + duration, status, "", service, attributes,
        Map.of("service.name", service, "host.name", "node-" + (Math.abs(trace.hashCode()) % 2)), "scope",
        List.of(), List.of());
  }

  /** Trace i starts at base + i s; errors: C SERVER and B CLIENT when i % 3 == 0, B SERVER when i == 1. */
  List<Span> shopTrace(int i) {
    String t = traceId(i);
    long s = base + i * SECOND;
    boolean err = i % 3 == 0;
    Map<String, Object> none = Map.of();
    return List.of(
        span(t, spanId(i, 1), "", "GET /checkout", 2, s, 100 * MS, 0, "A", Map.of("customer", "c" + i)),
        span(t, spanId(i, 2), spanId(i, 1), "call B", 3, s + MS, 80 * MS, 0, "A", none),
        span(t, spanId(i, 3), spanId(i, 2), "POST /pay", 2, s + 2 * MS, 70 * MS, i == 1 ? 2 : 0, "B", none),
        span(t, spanId(i, 4), spanId(i, 3), "call C", 3, s + 3 * MS, 50 * MS, err ? 2 : 0, "B", none),
        span(t, spanId(i, 5), spanId(i, 4), "charge", 2, s + 4 * MS, (10 + i) * MS, err ? 2 : 0, "C",
            err ? Map.of("http.status_code", 500L) : Map.of("http.status_code", 200L)));
  }

  void appendSpans(String tenant, List<Span> list) {
    assertThat(spans.append(tenant, list).join().accepted()).isEqualTo(list.size());
  }

  /** Appends the shop traces and waits until all their spans are searchable. */
  void shop() {
    List<Span> all = new ArrayList<>();
    for (int i = 0; i < SHOP_TRACES; i++) {
      all.addAll(shopTrace(i));
    }
    appendSpans("t1", all);
    awaitSpans("t1", all.size());
  }

  void awaitSpans(String tenant, long n) {
    await(n + " spans", () -> search(tenant, q(), 100_000).traces().stream()
        .mapToLong(TraceSummary::spanCount).sum() == n);
  }

  static Q q() {
    return new Q();
  }

  /** A TraceQuery with every filter absent, over all time. */
  static final class Q {
    String service;
    String operation;
    Map<String, String> attributes = new HashMap<>();
    Integer status;
    long min;
    long max = Long.MAX_VALUE;
    long start = 0;
    long end = Long.MAX_VALUE;

    Q service(String s) {
      service = s;
      return this;
    }

    Q op(String o) {
      operation = o;
      return this;
    }

    Q attr(String k, String v) {
      attributes.put(k, v);
      return this;
    }

    Q status(int s) {
      status = s;
      return this;
    }

    Q duration(long lo, long hi) {
      min = lo;
      max = hi;
      return this;
    }

    Q range(long from, long to) {
      start = from;
      end = to;
      return this;
    }

    TraceQuery build(String tenant, int limit, String cursor) {
      return new TraceQuery(tenant, service, operation, attributes, status, min, max, start, end, limit, cursor,
          10_000);
    }
  }

  TracePage search(String tenant, Q q, int limit) {
    return spans.searchTraces(q.build(tenant, limit, null));
  }

  /** The shop trace numbers a query finds, in the order returned. */
  List<Integer> found(Q q) {
    return search("t1", q, 1000).traces().stream()
        .map(t -> (int) (Long.parseLong(t.traceId(), 16) - 0xabc000L)).toList();
  }

  @Test
  void searchTracesByEachFilterAloneAndCombined() {
    shop();
    List<Integer> all = List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    assertThat(found(q())).as("newest first").isEqualTo(all);
    assertThat(found(q().service("C"))).isEqualTo(all);
    assertThat(found(q().service("D"))).isEmpty();
    assertThat(found(q().op("charge"))).isEqualTo(all);
    assertThat(found(q().service("A").op("charge"))).as("one span must match every filter").isEmpty();
    assertThat(found(q().status(2))).containsExactly(9, 6, 3, 1, 0);
    assertThat(found(q().status(2).service("B"))).containsExactly(9, 6, 3, 1, 0);
    assertThat(found(q().status(2).service("B").op("POST /pay"))).containsExactly(1);
    assertThat(found(q().status(2).service("A"))).isEmpty();
    assertThat(found(q().status(0).service("C"))).containsExactly(8, 7, 5, 4, 2, 1);
    assertThat(found(q().attr("customer", "c3"))).as("span attribute").containsExactly(3);
    assertThat(found(q().attr("service.name", "B"))).as("resource attribute").isEqualTo(all);
    assertThat(found(q().attr("http.status_code", "500"))).containsExactly(9, 6, 3, 0);
    assertThat(found(q().attr("http.status_code", "500").service("C").status(2))).containsExactly(9, 6, 3, 0);
    assertThat(found(q().attr("http.status_code", "500").status(0))).isEmpty();
    assertThat(found(q().attr("customer", "c3").attr("service.name", "A"))).containsExactly(3);
    assertThat(found(q().attr("customer", "c3").attr("service.name", "B"))).isEmpty();
    assertThat(found(q().duration(15 * MS, 19 * MS))).containsExactly(9, 8, 7, 6, 5);
    assertThat(found(q().duration(0, 12 * MS))).containsExactly(2, 1, 0);
    assertThat(found(q().duration(90 * MS, Long.MAX_VALUE))).isEqualTo(all);
    assertThat(found(q().duration(60 * MS, 75 * MS).service("B"))).isEqualTo(all);
    assertThat(found(q().duration(60 * MS, 75 * MS).service("A"))).isEmpty();
    assertThat(found(q().duration(15 * MS, 19 * MS).status(2))).containsExactly(9, 6);
    assertThat(found(q().range(base + 2 * SECOND, base + 4 * SECOND + 3 * MS))).containsExactly(4, 3, 2);
    assertThat(found(q().range(base + 2 * SECOND, base + 4 * SECOND + 3 * MS).op("charge"))).containsExactly(3, 2);
    assertThat(search("t2", q(), 10).traces()).as("other tenant").isEmpty();
    assertThatThrownBy(() -> found(q().status(7)))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
  }

  @Test
  void summariesComeFromEverySpanOfTheTrace() {
    shop();
    // a trace whose root has not arrived: B and C only
    String orphan = traceId(100);
    appendSpans("t1", List.of(
        span(orphan, spanId(100, 4), spanId(100, 3), "call C", 3, base + 50 * SECOND + 3 * MS, 50 * MS, 0, "B",
            Map.of()),
        span(orphan, spanId(100, 5), spanId(100, 4), "charge", 2, base + 50 * SECOND + 4 * MS, 60 * MS, 2, "C",
            Map.of())));
    awaitSpans("t1", SHOP_TRACES * 5 + 2);
    List<TraceSummary> c = search("t1", q().service("C").status(2), 10).traces();
    assertThat(c.getFirst()).isEqualTo(new TraceSummary(orphan, "B", "call C", base + 50 * SECOND + 3 * MS,
        61 * MS, 2, 1, List.of("B", "C")));
    TraceSummary zero = c.getLast();
    assertThat(zero).isEqualTo(new TraceSummary(traceId(0), "A", "GET /checkout", base, 100 * MS, 5, 2,
        List.of("A", "B", "C")));
    TraceSummary one = search("t1", q().attr("customer", "c1"), 10).traces().getFirst();
    assertThat(one.errorCount()).isEqualTo(1);
    assertThat(one.startNanos()).isEqualTo(base + SECOND);
  }

  @Test
  void servicesAndOperationsWithKinds() {
    shop();
    appendSpans("t1", List.of(span(traceId(0), spanId(0, 9), spanId(0, 1), "call B", 1, base + 5 * MS, MS, 0, "A",
        Map.of()), span(traceId(200), spanId(200, 1), "", "tick", 1, base - 10 * SECOND, MS, 0, "cron", Map.of())));
    awaitSpans("t1", SHOP_TRACES * 5 + 2);
    assertThat(spans.services("t1", 0, Long.MAX_VALUE)).containsExactly("A", "B", "C", "cron");
    assertThat(spans.services("t1", base - SECOND, Long.MAX_VALUE)).containsExactly("A", "B", "C");
    assertThat(spans.services("t1", base - 10 * SECOND, base - 10 * SECOND)).containsExactly("cron");
    assertThat(spans.services("t1", base + 100 * SECOND, Long.MAX_VALUE)).isEmpty();
    assertThat(spans.services("t2", 0, Long.MAX_VALUE)).isEmpty();
    assertThat(spans.operations("t1", "A", 0, Long.MAX_VALUE)).containsExactly(
        new Operation("GET /checkout", 2), new Operation("call B", 1), new Operation("call B", 3));
    assertThat(spans.operations("t1", "C", 0, Long.MAX_VALUE)).containsExactly(new Operation("charge", 2));
    assertThat(spans.operations("t1", "A", base + 3 * MS, base + 10 * MS)).containsExactly(new Operation("call B", 1));
    assertThat(spans.operations("t1", "nobody", 0, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void dependenciesCountCallsAndChildErrors() {
    shop();
    assertThat(spans.dependencies("t1", 0, Long.MAX_VALUE, 10_000)).containsExactly(
        new DependencyEdge("A", "B", 10, 1), new DependencyEdge("B", "C", 10, 4));
    // only traces 0-2 (and their spans) start in this range
    assertThat(spans.dependencies("t1", base, base + 2 * SECOND + 10 * MS, 10_000)).containsExactly(
        new DependencyEdge("A", "B", 3, 1), new DependencyEdge("B", "C", 3, 1));
    assertThat(spans.dependencies("t2", 0, Long.MAX_VALUE, 10_000)).isEmpty();
  }

  @Test
  void redCountsRequestsErrorsAndPercentilesPerBucket() {
    long step = 60 * SECOND;
    long origin = Math.floorDiv(base, step) * step;
    List<Span> list = new ArrayList<>();
    long[] durations = new long[1000];
    for (int i = 0; i < 1000; i++) {
      // durations from 1 ms to ~3 s, spread unevenly
      durations[i] = MS + (long) i * i * 3000L + i * 7919L;
      list.add(span(traceId(i), spanId(i, 1), "", i % 2 == 0 ? "GET /x" : "GET /y", 2, origin + 10 + i * MS,
          durations[i], i % 50 == 0 ? 2 : 0, "api", Map.of()));
      list.add(span(traceId(i), spanId(i, 2), spanId(i, 1), "db", 3, origin + i * MS, 5 * MS, 2, "api", Map.of()));
    }
    for (int i = 0; i < 3; i++) {
      list.add(span(traceId(2000 + i), spanId(2000 + i, 1), "", "GET /x", 5, origin + 2 * step + i, (i + 1) * MS, 0,
          "api", Map.of()));
      list.add(span(traceId(2000 + i), spanId(2000 + i, 2), "", "work", 1, origin + 2 * step + i, (i + 1) * MS,
          i == 0 ? 2 : 0, "worker", Map.of()));
    }
    appendSpans("t1", list);
    awaitSpans("t1", list.size());
    List<RedPoint> api = spans.red(new RedQuery("t1", "api", null, origin + 5, origin + 3 * step - 1, step, 10_000));
    assertThat(api).extracting(RedPoint::startNanos).containsExactly(origin, origin + step, origin + 2 * step);
    assertThat(api).extracting(RedPoint::requests).as("server and consumer spans only").containsExactly(1000L, 0L, 3L);
    assertThat(api).extracting(RedPoint::errors).containsExactly(20L, 0L, 0L);
    long[] sorted = durations.clone();
    Arrays.sort(sorted);
    RedPoint first = api.getFirst();
    double err = io.lookout.storage.internal.DurationHistogram.RELATIVE_ERROR;
    assertThat(first.p50Nanos()).isCloseTo(sorted[499], within(sorted[499] * err));
    assertThat(first.p90Nanos()).isCloseTo(sorted[899], within(sorted[899] * err));
    assertThat(first.p99Nanos()).isCloseTo(sorted[989], within(sorted[989] * err));
    assertThat(api.get(1).p50Nanos()).isNaN();
    assertThat(api.get(2).p99Nanos()).isEqualTo(3 * MS, within(3 * MS * err));
    List<RedPoint> x = spans.red(new RedQuery("t1", "api", "GET /x", origin, origin + 3 * step - 1, step, 10_000));
    assertThat(x).extracting(RedPoint::requests).containsExactly(500L, 0L, 3L);
    assertThat(x).extracting(RedPoint::errors).containsExactly(20L, 0L, 0L);
    List<RedPoint> db = spans.red(new RedQuery("t1", "api", "db", origin, origin + 3 * step - 1, step, 10_000));
    assertThat(db).as("one operation counts all its spans, client spans too")
        .extracting(RedPoint::requests).containsExactly(1000L, 0L, 0L);
    assertThat(db).extracting(RedPoint::errors).containsExactly(1000L, 0L, 0L);
    assertThat(spans.red(new RedQuery("t1", "api", null, origin, origin + 3 * step - 1, step, 10_000)))
        .as("the whole service has server spans, so its client spans are not requests")
        .extracting(RedPoint::requests).containsExactly(1000L, 0L, 3L);
    List<RedPoint> worker = spans.red(new RedQuery("t1", "worker", null, origin, origin + 3 * step - 1, step,
        10_000));
    assertThat(worker).extracting(RedPoint::requests).as("no server spans: every span counts")
        .containsExactly(0L, 0L, 3L);
    assertThat(worker).extracting(RedPoint::errors).containsExactly(0L, 0L, 1L);
    assertThat(worker.get(2).p50Nanos()).isCloseTo(2 * MS, within(2 * MS * err));
    assertThatThrownBy(() -> spans.red(new RedQuery("t1", "api", null, 0, Long.MAX_VALUE / 2, 1, 1000)))
        .isInstanceOfSatisfying(LookoutException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA));
  }

  @Test
  void pagesReturnEveryTraceOnceWhileTracesArrive() {
    int n = 2000;
    List<Span> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // groups of four traces share a start, so the trace id breaks ties
      long s = base + (i / 4) * MS;
      list.add(span(traceId(i), spanId(i, 1), "", "root", 2, s, 5 * MS, 0, "A", Map.of()));
      list.add(span(traceId(i), spanId(i, 2), spanId(i, 1), "child", 2, s + 10, MS, 0, "B", Map.of()));
    }
    appendSpans("t1", list);
    awaitSpans("t1", list.size());
    List<TraceSummary> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    long spansNow = list.size();
    do {
      TracePage page = spans.searchTraces(q().build("t1", 37, cursor));
      assertThat(page.traces().size()).isLessThanOrEqualTo(37);
      seen.addAll(page.traces());
      cursor = page.nextCursor();
      // newer, older and same-start traces arrive between pages
      int k = 10_000 + pages * 3;
      appendSpans("t1", List.of(
          span(traceId(k), spanId(k, 1), "", "late", 2, base + 100 * SECOND + pages, MS, 0, "A", Map.of()),
          span(traceId(k + 1), spanId(k + 1, 1), "", "early", 2, base - SECOND - pages, MS, 0, "A", Map.of()),
          span(traceId(k + 2), spanId(k + 2, 1), "", "same", 2, base + 250 * MS, MS, 0, "A", Map.of())));
      spansNow += 3;
      awaitSpans("t1", spansNow);
      pages++;
    } while (cursor != null && pages < 200);
    assertThat(cursor).isNull();
    Set<String> ids = new HashSet<>();
    for (TraceSummary t : seen) {
      assertThat(ids.add(t.traceId())).as("trace %s returned twice", t.traceId()).isTrue();
    }
    for (int i = 0; i < n; i++) {
      assertThat(ids).contains(traceId(i));
    }
    for (int i = 1; i < seen.size(); i++) {
      TraceSummary a = seen.get(i - 1);
      TraceSummary b = seen.get(i);
      assertThat(a.startNanos() > b.startNanos()
          || a.startNanos() == b.startNanos() && a.traceId().compareTo(b.traceId()) > 0)
          .as("strictly newest first at %d", i).isTrue();
    }
  }
}
