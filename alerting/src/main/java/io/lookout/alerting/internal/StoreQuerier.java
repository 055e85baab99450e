package io.lookout.alerting.internal;

import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.model.metrics.Labels;
import io.lookout.model.spi.Direction;
import io.lookout.model.spi.FieldValues;
import io.lookout.model.spi.Histogram;
import io.lookout.model.spi.LogQuery;
import io.lookout.model.spi.LogStore;
import io.lookout.model.spi.RedPoint;
import io.lookout.model.spi.RedQuery;
import io.lookout.model.spi.SpanStore;
import io.lookout.query.promql.eval.Engine;
import io.lookout.query.promql.eval.Scalar;
import io.lookout.query.promql.eval.Value;
import io.lookout.query.promql.eval.Vector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rule queries over the stores: PromQL through the query module's engine, log counts through
 * {@link LogStore#histogram} / {@link LogStore#fieldValues}, trace RED through
 * {@link SpanStore#red}. Logs and traces rules return only the series above their threshold, as a
 * PromQL comparison would.
 */
public final class StoreQuerier implements RuleQuerier {
  /** Distinct values of a group_by field considered per evaluation. */
  static final int MAX_GROUPS = 1000;

  private final Engine engine;
  private final LogStore logs;
  private final SpanStore spans;
  private final long timeoutMillis;
  private final Heartbeats heartbeats;

  public StoreQuerier(Engine engine, LogStore logs, SpanStore spans, long timeoutMillis) {
    this.engine = engine;
    this.logs = logs;
    this.spans = spans;
    this.timeoutMillis = timeoutMillis;
    this.heartbeats = new Heartbeats(logs, spans, timeoutMillis);
  }

  @Override
  public List<QueryPoint> query(String tenant, RuleSpec.Query query, Instant ts) {
    return switch (query) {
      case RuleSpec.Promql p -> promql(tenant, p, ts);
      case RuleSpec.Logs l -> logs(tenant, l, ts);
      case RuleSpec.Traces t -> traces(tenant, t, ts);
      case RuleSpec.Heartbeat h -> heartbeats.silent(tenant, h, ts);
    };
  }

  /** Tenants with stored logs or spans. */
  @Override
  public Set<String> tenants() {
    Set<String> out = new HashSet<>();
    if (logs != null) {
      out.addAll(logs.tenants());
    }
    if (spans != null) {
      out.addAll(spans.tenants());
    }
    return out;
  }

  private List<QueryPoint> promql(String tenant, RuleSpec.Promql p, Instant ts) {
    Value v = engine.instant(tenant, p.expr(), ts.toEpochMilli(), timeoutMillis).value();
    List<QueryPoint> out = new ArrayList<>();
    if (v instanceof Vector vec) {
      for (Vector.Element e : vec.elements()) {
        if (e.histogram() == null) {
          out.add(new QueryPoint(e.labels(), e.value()));
        }
      }
    } else if (v instanceof Scalar s) {
      out.add(new QueryPoint(Labels.EMPTY, s.value()));
    }
    return out;
  }

  static long nanos(Instant ts) {
    return Math.addExact(Math.multiplyExact(ts.getEpochSecond(), 1_000_000_000L), ts.getNano());
  }

  private List<QueryPoint> logs(String tenant, RuleSpec.Logs l, Instant ts) {
    long end = nanos(ts);
    long start = end - l.window().toNanos() + 1;
    List<QueryPoint> out = new ArrayList<>();
    if (l.groupBy().isEmpty()) {
      long n = count(tenant, l.query(), start, end);
      if (n > l.threshold()) {
        out.add(new QueryPoint(Labels.EMPTY, n));
      }
      return out;
    }
    groups(tenant, l, "(" + l.query() + ")", 0, Labels.EMPTY, start, end, out);
    return out;
  }

  private void groups(String tenant, RuleSpec.Logs l, String query, int idx, Labels soFar, long start, long end,
      List<QueryPoint> out) {
    String field = l.groupBy().get(idx);
    FieldValues fv = logs.fieldValues(
        new LogQuery(tenant, query, start, end, MAX_GROUPS, Direction.BACKWARD, null, timeoutMillis), field, MAX_GROUPS);
    boolean last = idx == l.groupBy().size() - 1;
    for (FieldValues.ValueCount vc : fv.values()) {
      // sampled counts are lower bounds: only exact counts may prune
      if (!fv.sampled() && vc.count() <= l.threshold()) {
        continue;
      }
      String refined = query + " AND " + field + ":\"" + vc.value().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      Labels labels = soFar.toBuilder().put(labelName(field), vc.value()).build();
      if (last) {
        long n = fv.sampled() ? count(tenant, refined, start, end) : vc.count();
        if (n > l.threshold()) {
          out.add(new QueryPoint(labels, n));
        }
      } else {
        groups(tenant, l, refined, idx + 1, labels, start, end, out);
      }
    }
  }

  /** A field name as a label name: {@code resource.host.name} becomes {@code resource_host_name}. */
  static String labelName(String field) {
    StringBuilder sb = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  private long count(String tenant, String query, long start, long end) {
    // one bucket covering the whole window: a step longer than the end time puts everything in bucket 0
    Histogram h = logs.histogram(
        new LogQuery(tenant, query, start, end, 0, Direction.BACKWARD, null, timeoutMillis), end + 1);
    long n = 0;
    for (Histogram.Bucket b : h.buckets()) {
      n += b.count();
    }
    return n;
  }

  private List<QueryPoint> traces(String tenant, RuleSpec.Traces t, Instant ts) {
    long end = nanos(ts);
    long start = end - t.window().toNanos() + 1;
    List<RedPoint> red = spans.red(new RedQuery(tenant, t.service(), t.operation(), start, end, end + 1, timeoutMillis));
    long requests = 0;
    long errors = 0;
    double value = Double.NaN;
    for (RedPoint p : red) {
      requests += p.requests();
      errors += p.errors();
      value = switch (t.signal()) {
        case ERROR_RATE -> Double.NaN;
        case P50 -> p.p50Nanos() / 1e9;
        case P90 -> p.p90Nanos() / 1e9;
        case P99 -> p.p99Nanos() / 1e9;
      };
    }
    if (t.signal() == RuleSpec.TraceSignal.ERROR_RATE) {
      value = requests == 0 ? Double.NaN : (double) errors / requests;
    }
    List<QueryPoint> out = new ArrayList<>();
    if (!Double.isNaN(value) && value > t.threshold()) {
      Labels.Builder b = Labels.builder().put("service", t.service());
      if (t.operation() != null) {
        b.put("operation", t.operation());
      }
      out.add(new QueryPoint(b.build(), value));
    }
    return out;
  }
}
