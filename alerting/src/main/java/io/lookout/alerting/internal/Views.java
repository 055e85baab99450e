package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.Alert;
import io.lookout.alerting.rules.ActiveAlert;
import io.lookout.alerting.rules.AlertState;
import io.lookout.alerting.rules.Durations;
import io.lookout.alerting.rules.GoFormat;
import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.alerting.rules.RuleSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON renderings of groups, rules, alerts, history and probes: native and Prometheus-compatible. */
final class Views {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Views() {}

  /** Go's RFC3339Nano: fraction without trailing zeros; Go's zero time for null. */
  static String time(Instant i) {
    if (i == null) {
      return ZERO_TIME;
    }
    String s = Instant.ofEpochSecond(i.getEpochSecond()).toString();
    if (i.getNano() == 0) {
      return s;
    }
    String frac = String.format("%09d", i.getNano()).replaceFirst("0+$", "");
    return s.substring(0, s.length() - 1) + "." + frac + "Z";
  }

  static ObjectNode labels(Map<String, String> m) {
    ObjectNode n = JSON.createObjectNode();
    new TreeMap<>(m).forEach(n::put);
    return n;
  }

  // ---- native ----

  static ObjectNode nativeGroup(GroupRunner g, String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", g.spec.name());
    n.put("tenant", g.spec.tenant());
    n.put("file", g.spec.source());
    n.put("readOnly", g.spec.readOnly());
    n.put("interval", g.interval.toMillis() / 1000.0);
    n.put("lastEvaluation", time(g.lastEvaluation));
    n.put("evaluationTime", g.evaluationSeconds);
    ArrayNode rules = n.putArray("rules");
    for (GroupRunner.RuleRunner r : g.rules) {
      if (type != null && !type.equals(r.spec.recording() ? "record" : "alert")) {
        continue;
      }
      ObjectNode rn = rules.addObject();
      rn.put("name", r.spec.name());
      rn.put("type", r.spec.recording() ? "recording" : "alerting");
      rn.put("kind", GroupRunner.kind(r.spec));
      rn.put("query", r.spec.query().describe());
      definition(rn.putObject("definition"), r.spec);
      if (!r.spec.recording()) {
        rn.put("state", r.state.key());
        rn.put("for", Durations.format(r.spec.forDuration()));
        rn.put("keepFiringFor", Durations.format(r.spec.keepFiringFor()));
      }
      rn.set("labels", labels(r.spec.labels()));
      rn.set("annotations", labels(r.spec.annotations()));
      rn.put("health", r.health);
      rn.put("lastError", r.lastError);
      rn.put("lastEvaluation", time(r.lastEvaluation));
      rn.put("evaluationTime", r.evaluationSeconds);
      ArrayNode alerts = rn.putArray("alerts");
      for (ActiveAlert a : r.alerts) {
        alerts.add(nativeAlert(g.spec.tenant(), a));
      }
    }
    return n;
  }

  private static void definition(ObjectNode d, RuleSpec r) {
    switch (r.query()) {
      case RuleSpec.Promql p -> d.put("expr", p.text());
      case RuleSpec.Logs l -> {
        ObjectNode o = d.putObject("logs");
        o.put("query", l.query());
        o.put("window", Durations.format(l.window()));
        o.put("threshold", l.threshold());
        ArrayNode gb = o.putArray("group_by");
        l.groupBy().forEach(gb::add);
      }
      case RuleSpec.Traces t -> {
        ObjectNode o = d.putObject("traces");
        o.put("service", t.service());
        if (t.operation() != null) {
          o.put("operation", t.operation());
        }
        o.put("signal", t.signal().key());
        o.put("window", Durations.format(t.window()));
        o.put("threshold", t.threshold());
      }
      case RuleSpec.Heartbeat h -> {
        ObjectNode o = d.putObject("heartbeat");
        o.put("threshold", Durations.format(h.threshold()));
        o.put("lookback", Durations.format(h.lookback()));
      }
    }
  }

  static ObjectNode nativeAlert(String tenant, ActiveAlert a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("fingerprint", Alert.fingerprint(tenant, a.labels()));
    n.set("labels", labels(a.labels()));
    n.set("annotations", labels(a.annotations()));
    n.put("state", a.state() == AlertState.INACTIVE ? "resolved" : a.state().key());
    n.put("activeAt", time(a.activeAt()));
    if (a.firedAt() != null) {
      n.put("firedAt", time(a.firedAt()));
    }
    if (a.resolvedAt() != null) {
      n.put("resolvedAt", time(a.resolvedAt()));
    }
    if (a.keepFiringSince() != null) {
      n.put("keepFiringSince", time(a.keepFiringSince()));
    }
    putNumber(n, "value", a.value());
    return n;
  }

  static ObjectNode historyEntry(History.Entry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("time", time(e.at()));
    n.put("group", e.group());
    n.put("rule", e.rule());
    n.put("fingerprint", e.fingerprint());
    n.set("labels", labels(e.labels()));
    n.put("from", e.from());
    n.put("to", e.to());
    n.put("state", e.to());
    n.put("activeAt", time(e.activeAt()));
    putNumber(n, "value", e.value());
    return n;
  }

  static ObjectNode probe(ProbeSpec s, Probes.Result r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", s.name());
    n.put("url", s.url());
    n.put("method", s.method());
    n.put("interval", Durations.format(s.interval()));
    n.put("timeout", Durations.format(s.timeout()));
    n.put("expectStatus", s.expectStatus());
    if (s.bodyRegex() != null) {
      n.put("bodyRegex", s.bodyRegex().pattern());
    }
    n.put("source", s.source());
    n.put("readOnly", !"api".equals(s.source()));
    if (r == null) {
      n.put("status", "unknown");
      return n;
    }
    n.put("status", r.success() ? "up" : "down");
    n.put("lastRun", time(r.at()));
    n.put("httpStatus", r.status());
    n.put("durationSeconds", r.durationSeconds());
    n.put("error", r.error());
    if (r.certExpiry() != null) {
      n.put("certExpiry", time(r.certExpiry()));
    }
    return n;
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.put(key, GoFormat.v(v));
    } else {
      n.put(key, v);
    }
  }

  // ---- Prometheus 2.42 shapes ----

  static ObjectNode promGroup(GroupRunner g, String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", g.spec.name());
    n.put("file", g.spec.source());
    ArrayNode rules = n.putArray("rules");
    for (GroupRunner.RuleRunner r : g.rules) {
      if (type != null && !type.equals(r.spec.recording() ? "record" : "alert")) {
        continue;
      }
      ObjectNode rn = rules.addObject();
      if (r.spec.recording()) {
        rn.put("name", r.spec.name());
        rn.put("query", r.spec.query().describe());
        if (!r.spec.labels().isEmpty()) {
          rn.set("labels", labels(r.spec.labels()));
        }
      } else {
        rn.put("state", r.state.key());
        rn.put("name", r.spec.name());
        rn.put("query", r.spec.query().describe());
        rn.put("duration", r.spec.forDuration().toMillis() / 1000.0);
        rn.put("keepFiringFor", r.spec.keepFiringFor().toMillis() / 1000.0);
        rn.set("labels", labels(r.spec.labels()));
        rn.set("annotations", labels(r.spec.annotations()));
        ArrayNode alerts = rn.putArray("alerts");
        for (ActiveAlert a : r.alerts) {
          if (a.state() != AlertState.INACTIVE) {
            alerts.add(promAlert(a));
          }
        }
      }
      rn.put("health", r.health);
      if (!r.lastError.isEmpty()) {
        rn.put("lastError", r.lastError);
      }
      rn.put("evaluationTime", r.evaluationSeconds);
      rn.put("lastEvaluation", time(r.lastEvaluation));
      rn.put("type", r.spec.recording() ? "recording" : "alerting");
    }
    n.put("interval", g.interval.toMillis() / 1000.0);
    n.put("limit", g.limit);
    n.put("evaluationTime", g.evaluationSeconds);
    n.put("lastEvaluation", time(g.lastEvaluation));
    return n;
  }

  static ObjectNode promAlert(ActiveAlert a) {
    ObjectNode n = JSON.createObjectNode();
    n.set("labels", labels(a.labels()));
    n.set("annotations", labels(a.annotations()));
    n.put("state", a.state().key());
    n.put("activeAt", time(a.activeAt()));
    n.put("value", GoFormat.e(a.value()));
    return n;
  }

  static List<String> sorted(List<String> in) {
    return in.stream().sorted().toList();
  }
}
