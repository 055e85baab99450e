package io.lookout.alerting.internal;

import io.lookout.alerting.Alert;
import io.lookout.alerting.AlertSink;
import io.lookout.alerting.rules.ActiveAlert;
import io.lookout.alerting.rules.AlertRule;
import io.lookout.alerting.rules.AlertState;
import io.lookout.alerting.rules.GroupSpec;
import io.lookout.alerting.rules.QueryPoint;
import io.lookout.alerting.rules.RuleSpec;
import io.lookout.alerting.rules.Transition;
import io.lookout.model.metrics.Labels;
import io.lookout.model.metrics.Sample;
import io.lookout.model.metrics.SeriesBatch;
import io.lookout.model.spi.MetricStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rule group at run time: evaluates its rules in order at a timestamp, persists the alert
 * state when it changed, appends transitions to the history and hands firing and recently
 * resolved alerts to the sink. Evaluations of one group never overlap.
 */
public final class GroupRunner {
  private static final Logger LOG = LoggerFactory.getLogger(GroupRunner.class);

  /** What an evaluation needs from the engine around it. */
  public record Context(
      RuleQuerier querier,
      MetricStore metrics,
      StateStore states,
      History history,
      AlertSink sink,
      AlertingMetrics meters,
      String externalUrl,
      long storeTimeoutMillis) {}

  /** Run-time status of one rule, published after each evaluation for the APIs. */
  public static final class RuleRunner {
    final RuleSpec spec;
    final AlertRule alerting;
    volatile String health = "unknown";
    volatile String lastError = "";
    volatile Instant lastEvaluation;
    volatile double evaluationSeconds;
    volatile List<ActiveAlert> alerts = List.of();
    volatile AlertState state = AlertState.INACTIVE;

    RuleRunner(RuleSpec spec) {
      this.spec = spec;
      this.alerting = spec.recording() ? null : new AlertRule(spec);
    }

    void publish() {
      if (alerting != null) {
        alerts = alerting.alerts();
        state = alerting.state();
      }
    }
  }

  final GroupSpec spec;
  final Duration interval;
  final int limit;
  final List<RuleRunner> rules = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  volatile Instant lastEvaluation;
  volatile double evaluationSeconds;

  GroupRunner(GroupSpec spec, Duration interval, int limit) {
    this.spec = spec;
    this.interval = interval;
    this.limit = limit;
    for (RuleSpec r : spec.rules()) {
      rules.add(new RuleRunner(r));
    }
  }

  /** Takes over the alert state of rules with the same key from a previous version of the group. */
  void restoreFrom(GroupRunner old) {
    Map<String, RuleRunner> byKey = new LinkedHashMap<>();
    for (RuleRunner r : old.rules) {
      byKey.putIfAbsent(r.spec.key(), r);
    }
    synchronized (old) {
      for (RuleRunner r : rules) {
        RuleRunner o = byKey.get(r.spec.key());
        if (o != null && r.alerting != null && o.alerting != null) {
          r.alerting.restore(o.alerting.alerts());
          r.health = o.health;
          r.lastError = o.lastError;
          r.lastEvaluation = o.lastEvaluation;
          r.evaluationSeconds = o.evaluationSeconds;
          r.publish();
        }
      }
    }
    lastEvaluation = old.lastEvaluation;
    evaluationSeconds = old.evaluationSeconds;
  }

  /** Takes over the alert state saved on disk (at start). */
  void restoreFrom(Map<String, List<ActiveAlert>> saved) {
    for (RuleRunner r : rules) {
      List<ActiveAlert> a = saved.get(r.spec.key());
      if (a != null && r.alerting != null) {
        r.alerting.restore(a);
        r.publish();
      }
    }
  }

  /** Evaluates unless an evaluation is already running; returns false when skipped. */
  boolean tryEvaluate(Instant ts, Context ctx) {
    if (!running.compareAndSet(false, true)) {
      ctx.meters().missedIterations.inc();
      return false;
    }
    try {
      evaluate(ts, ctx);
      return true;
    } finally {
      running.set(false);
    }
  }

  /** One evaluation at {@code ts}. */
  public synchronized void evaluate(Instant ts, Context ctx) {
    long g0 = System.nanoTime();
    boolean dirty = false;
    List<History.Entry> transitions = new ArrayList<>();
    List<Alert> toSend = new ArrayList<>();
    for (RuleRunner r : rules) {
      String kind = kind(r.spec);
      long t0 = System.nanoTime();
      try {
        List<QueryPoint> points = ctx.querier().query(spec.tenant(), r.spec.query(), ts);
        if (r.alerting == null) {
          record(r.spec, points, ts, ctx);
        } else {
          try {
            for (Transition t : r.alerting.apply(ts, points, limit)) {
              transitions.add(History.entry(t.at(), spec.tenant(), spec.name(), r.spec.name(), t.labels(), t.from(),
                  t.to(), t.value(), t.activeAt()));
            }
          } finally {
            dirty |= r.alerting.takeDirty();
          }
          for (ActiveAlert a : r.alerting.toSend(ts)) {
            toSend.add(new Alert(spec.tenant(), a.labels(), a.annotations(), a.activeAt(),
                a.state() == AlertState.INACTIVE ? a.resolvedAt() : null, generatorUrl(ctx, a)));
          }
        }
        r.health = "ok";
        r.lastError = "";
      } catch (RuntimeException e) {
        r.health = "err";
        r.lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ctx.meters().ruleFailures.labelValues(kind).inc();
        LOG.debug("rule {} of group {} (tenant {}) failed: {}", r.spec.name(), spec.name(), spec.tenant(), r.lastError);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      r.evaluationSeconds = secs;
      r.lastEvaluation = ts;
      ctx.meters().ruleEvaluations.labelValues(kind).inc();
      ctx.meters().ruleDuration.labelValues(kind).observe(secs);
    }
    if (dirty) {
      try {
        Map<String, List<ActiveAlert>> state = new LinkedHashMap<>();
        for (RuleRunner r : rules) {
          if (r.alerting != null) {
            state.put(r.spec.key(), r.alerting.alerts());
          }
        }
        ctx.states().save(spec.key(), state);
      } catch (java.io.IOException | RuntimeException e) {
        ctx.meters().stateWriteFailures.inc();
        LOG.warn("cannot save the alert state of group {} (tenant {}): {}", spec.name(), spec.tenant(), e.toString());
      }
    }
    if (!transitions.isEmpty()) {
      ctx.history().append(transitions);
    }
    // the APIs see a state only once it is on disk: a pending alert shown is one that survives a crash
    for (RuleRunner r : rules) {
      r.publish();
    }
    if (!toSend.isEmpty()) {
      try {
        ctx.sink().send(spec.tenant(), toSend);
      } catch (RuntimeException e) {
        LOG.warn("alert sink failed for group {} (tenant {}): {}", spec.name(), spec.tenant(), e.toString());
      }
    }
    lastEvaluation = ts;
    evaluationSeconds = (System.nanoTime() - g0) / 1e9;
  }

  private void record(RuleSpec r, List<QueryPoint> points, Instant ts, Context ctx) {
    List<SeriesBatch.Series> series = new ArrayList<>(points.size());
    java.util.Set<Labels> seen = new java.util.HashSet<>();
    for (QueryPoint p : points) {
      Labels.Builder b = p.labels().toBuilder().put(Labels.NAME, r.name());
      r.labels().forEach(b::put);
      Labels l = b.build();
      if (!seen.add(l)) {
        throw new IllegalStateException("vector contains metrics with the same labelset after applying rule labels: " + l);
      }
      series.add(SeriesBatch.Series.ofSamples(l, List.of(new Sample(ts.toEpochMilli(), p.value()))));
    }
    if (series.isEmpty()) {
      return;
    }
    try {
      ctx.metrics().append(spec.tenant(), new SeriesBatch(series, List.of()))
          .get(ctx.storeTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing recorded series");
    } catch (ExecutionException e) {
      throw new IllegalStateException("writing recorded series failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new IllegalStateException("writing recorded series took longer than " + ctx.storeTimeoutMillis() + "ms");
    }
  }

  private String generatorUrl(Context ctx, ActiveAlert a) {
    if (ctx.externalUrl() == null || ctx.externalUrl().isEmpty()) {
      return "";
    }
    return ctx.externalUrl() + "/alerts?alertname=" + java.net.URLEncoder.encode(
        a.labels().getOrDefault("alertname", ""), java.nio.charset.StandardCharsets.UTF_8);
  }

  static String kind(RuleSpec r) {
    if (r.recording()) {
      return "record";
    }
    return switch (r.query()) {
      case RuleSpec.Promql p -> "promql";
      case RuleSpec.Logs l -> "logs";
      case RuleSpec.Traces t -> "traces";
      case RuleSpec.Heartbeat h -> "heartbeat";
    };
  }
}
