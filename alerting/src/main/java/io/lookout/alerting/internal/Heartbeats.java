package io.lookout.alerting.internal;

import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.metrics.Labels;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.LogPage;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.SpanStore;
import io.lookout.model.spi.TracePage;
import io.lookout.model.spi.TraceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds services that sent logs or spans within the lookback (a day) but nothing in the last
 * {@code threshold}. Cost per evaluation: the services of the last {@code threshold} and of the
 * {@link #LATE_DATA} before it (four aggregate queries), the day's services every {@link #REFRESH}
 * (two more), and one newest-record lookup per silent service, so it does not grow with the number
 * of healthy services.
 */
final class Heartbeats {
  static final Duration REFRESH = Duration.ofMinutes(5);
  /** How far before the threshold window each evaluation also looks for services not known yet. */
  static final Duration LATE_DATA = Duration.ofMinutes(1);
  private static final int MAX_SERVICES = 10_000;

  private final LogStore logs;
  private final SpanStore spans;
  private final long timeoutMillis;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  private record Known(Instant refreshedAt, Set<String> services) {}

  Heartbeats(LogStore logs, SpanStore spans, long timeoutMillis) {
    this.logs = logs;
    this.spans = spans;
    this.timeoutMillis = timeoutMillis;
  }

  List<QueryPoint> silent(String tenant, RuleSpec.Heartbeat h, Instant ts) {
    long end = StoreQuerier.nanos(ts);
    Set<String> recent = services(tenant, end - h.threshold().toNanos(), end);
    Known k = known.get(tenant);
    if (k == null || Duration.between(k.refreshedAt(), ts).compareTo(REFRESH) >= 0 || ts.isBefore(k.refreshedAt())) {
      k = new Known(ts, services(tenant, end - h.lookback().toNanos(), end));
    }
    Set<String> day = new TreeSet<>(k.services());
    day.addAll(recent);
    // data that became searchable later than the threshold after its timestamp (a slow indexer) is
    // never "recent": discover it here instead of waiting for the next full refresh
    day.addAll(services(tenant, end - h.threshold().toNanos() - LATE_DATA.toNanos(), end - h.threshold().toNanos()));
    known.put(tenant, new Known(k.refreshedAt(), day));
    List<QueryPoint> out = new ArrayList<>();
    for (String s : day) {
      if (recent.contains(s)) {
        continue;
      }
      long last = lastSeen(tenant, s, end - h.lookback().toNanos(), end);
      if (last == Long.MIN_VALUE) {
        continue; // not seen within the lookback any more
      }
      if (end - last > h.threshold().toNanos()) {
        out.add(new QueryPoint(Labels.of("service", s), (end - last) / 1e9));
      }
    }
    return out;
  }

  private Set<String> services(String tenant, long start, long end) {
    Set<String> out = new TreeSet<>(spans.services(tenant, start, end));
    FieldValues fv = logs.fieldValues(
        new LogQuery(tenant, "*", start, end, MAX_SERVICES, Direction.BACKWARD, null, timeoutMillis), "service", MAX_SERVICES);
    for (FieldValues.ValueCount vc : fv.values()) {
      out.add(vc.value());
    }
    return out;
  }

  private long lastSeen(String tenant, String service, long start, long end) {
    long last = Long.MIN_VALUE;
    String q = "service:\"" + service.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    LogPage page = logs.search(new LogQuery(tenant, q, start, end, 1, Direction.BACKWARD, null, timeoutMillis));
    if (!page.hits().isEmpty()) {
      last = page.hits().get(0).timestampNanos();
    }
    TracePage traces = spans.searchTraces(
        new TraceQuery(tenant, service, null, Map.of(), null, 0, Long.MAX_VALUE, start, end, 1, null, timeoutMillis));
    if (!traces.traces().isEmpty()) {
      var t = traces.traces().get(0);
      last = Math.max(last, t.startNanos() + t.durationNanos());
    }
    return last;
  }
}
