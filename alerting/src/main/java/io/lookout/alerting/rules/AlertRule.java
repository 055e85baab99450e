package io.lookout.alerting.rules;

import io.lookout.model.metrics.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state machine of one alerting rule, with Prometheus 2.42's semantics: each query result
 * series becomes an alert instance (labels = series labels without {@code __name__}, plus the
 * rule's labels, plus {@code alertname}); a new instance is pending from {@code activeAt} and
 * fires once it has been active for {@code for}; when its series disappears a pending instance is
 * dropped and a firing one resolves (or keeps firing for {@code keep_firing_for}); a resolved
 * instance is kept for {@link #RESOLVED_RETENTION} so that its resolution is sent again, and a
 * new occurrence starts a new pending instance. Not thread-safe: one evaluation at a time.
 */
public final class AlertRule {
  /** How long a resolved alert is kept and re-sent (Prometheus's resolvedRetention). */
  public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

  private final RuleSpec spec;
  private final Map<String, Template> labelTemplates = new LinkedHashMap<>();
  private final Map<String, Template> annotationTemplates = new LinkedHashMap<>();
  private final Map<Labels, Mutable> active = new LinkedHashMap<>();
  private boolean dirty;

  private static final class Mutable {
    Labels labels;
    Map<String, String> annotations;
    AlertState state;
    Instant activeAt;
    Instant firedAt;
    Instant resolvedAt;
    Instant keepFiringSince;
    Instant lastSentAt;
    double value;

    ActiveAlert freeze() {
      return new ActiveAlert(labels.toMap(), annotations, state, activeAt, firedAt, resolvedAt, keepFiringSince,
          lastSentAt, value);
    }
  }

  public AlertRule(RuleSpec spec) {
    if (spec.recording()) {
      throw new IllegalArgumentException("not an alerting rule: " + spec.name());
    }
    this.spec = Objects.requireNonNull(spec);
    spec.labels().forEach((k, v) -> labelTemplates.put(k, Template.parse(v)));
    spec.annotations().forEach((k, v) -> annotationTemplates.put(k, Template.parse(v)));
  }

  public RuleSpec spec() {
    return spec;
  }

  /**
   * Applies the query result of one evaluation at {@code ts}.
   *
   * @param limit most alerts the rule may have pending or firing, 0 for no limit
   * @return the state changes, in no particular order
   * @throws IllegalStateException when two series give the same alert label set, or the limit
   *     is exceeded (the rule's alerts are then cleared, as Prometheus does)
   */
  public List<Transition> apply(Instant ts, List<QueryPoint> result, int limit) {
    Map<Labels, AlertState> before = new HashMap<>();
    active.forEach((k, a) -> before.put(k, a.state));
    Map<Labels, Mutable> fresh = new LinkedHashMap<>();
    for (QueryPoint p : result) {
      Map<String, String> data = p.labels().toMap();
      Labels.Builder lb = p.labels().toBuilder().remove(Labels.NAME);
      labelTemplates.forEach((k, t) -> lb.put(k, t.expand(data, p.value(), Map.of())));
      lb.put("alertname", spec.name());
      Labels labels = lb.build();
      Map<String, String> annotations = new LinkedHashMap<>();
      annotationTemplates.forEach((k, t) -> annotations.put(k, t.expand(data, p.value(), Map.of())));
      if (fresh.containsKey(labels)) {
        throw new IllegalStateException("vector contains metrics with the same labelset after applying alert labels: "
            + labels);
      }
      Mutable m = new Mutable();
      m.labels = labels;
      m.annotations = Map.copyOf(annotations);
      m.state = AlertState.PENDING;
      m.activeAt = ts;
      m.value = p.value();
      fresh.put(labels, m);
    }
    for (Map.Entry<Labels, Mutable> e : fresh.entrySet()) {
      Mutable existing = active.get(e.getKey());
      if (existing != null && existing.state != AlertState.INACTIVE) {
        existing.value = e.getValue().value;
        existing.annotations = e.getValue().annotations;
        continue;
      }
      active.put(e.getKey(), e.getValue());
      dirty = true;
    }
    int activePending = 0;
    for (Iterator<Map.Entry<Labels, Mutable>> it = active.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Labels, Mutable> e = it.next();
      Mutable a = e.getValue();
      if (!fresh.containsKey(e.getKey())) {
        boolean keepFiring = false;
        if (a.state == AlertState.FIRING && spec.keepFiringFor().isPositive()) {
          if (a.keepFiringSince == null) {
            a.keepFiringSince = ts;
            dirty = true;
          }
          if (Duration.between(a.keepFiringSince, ts).compareTo(spec.keepFiringFor()) < 0) {
            keepFiring = true;
          }
        }
        if (a.state == AlertState.PENDING
            || (a.resolvedAt != null && Duration.between(a.resolvedAt, ts).compareTo(RESOLVED_RETENTION) > 0)) {
          it.remove();
          dirty = true;
        }
        if (a.state != AlertState.INACTIVE && !keepFiring) {
          a.state = AlertState.INACTIVE;
          a.resolvedAt = ts;
          dirty = true;
        }
        if (!keepFiring) {
          continue;
        }
      } else if (a.keepFiringSince != null) {
        a.keepFiringSince = null;
        dirty = true;
      }
      activePending++;
      if (a.state == AlertState.PENDING && Duration.between(a.activeAt, ts).compareTo(spec.forDuration()) >= 0) {
        a.state = AlertState.FIRING;
        a.firedAt = ts;
        dirty = true;
      }
    }
    List<Transition> out = new ArrayList<>();
    Set<Labels> all = new HashSet<>(before.keySet());
    all.addAll(fresh.keySet());
    for (Labels l : all) {
      AlertState from = before.getOrDefault(l, AlertState.INACTIVE);
      Mutable now = active.get(l);
      AlertState to = now == null ? AlertState.INACTIVE : now.state;
      if (from != to) {
        double v = now != null ? now.value : fresh.containsKey(l) ? fresh.get(l).value : Double.NaN;
        Instant activeAt = now != null ? now.activeAt : ts;
        out.add(new Transition(ts, l.toMap(), from, to, v, activeAt));
      }
    }
    if (limit > 0 && activePending > limit) {
      active.clear();
      dirty = true;
      throw new IllegalStateException("exceeded limit of " + limit + " with " + activePending + " alerts");
    }
    return out;
  }

  /**
   * The alerts to hand to the sink after an evaluation at {@code ts}: firing ones and resolved
   * ones still retained; marks them sent.
   */
  public List<ActiveAlert> toSend(Instant ts) {
    List<ActiveAlert> out = new ArrayList<>();
    for (Mutable a : active.values()) {
      if (a.state == AlertState.PENDING) {
        continue;
      }
      a.lastSentAt = ts;
      out.add(a.freeze());
    }
    return out;
  }

  /** Current instances (pending, firing, and resolved within the retention). */
  public List<ActiveAlert> alerts() {
    List<ActiveAlert> out = new ArrayList<>(active.size());
    for (Mutable a : active.values()) {
      out.add(a.freeze());
    }
    return out;
  }

  /** The rule's state: firing if any instance fires, else pending if any is pending, else inactive. */
  public AlertState state() {
    AlertState s = AlertState.INACTIVE;
    for (Mutable a : active.values()) {
      if (a.state == AlertState.FIRING) {
        return AlertState.FIRING;
      }
      if (a.state == AlertState.PENDING) {
        s = AlertState.PENDING;
      }
    }
    return s;
  }

  /** Replaces the instances with restored ones (at start, or when a reload keeps the rule). */
  public void restore(List<ActiveAlert> alerts) {
    active.clear();
    for (ActiveAlert a : alerts) {
      Mutable m = new Mutable();
      m.labels = Labels.of(a.labels());
      m.annotations = a.annotations();
      m.state = a.state();
      m.activeAt = a.activeAt();
      m.firedAt = a.firedAt();
      m.resolvedAt = a.resolvedAt();
      m.keepFiringSince = a.keepFiringSince();
      m.lastSentAt = a.lastSentAt();
      m.value = a.value();
      active.put(m.labels, m);
    }
  }

  /** True once since the last call when the instances changed in a way worth persisting. */
  public boolean takeDirty() {
    boolean d = dirty;
    dirty = false;
    return d;
  }
}
