package io.lookout.alerting.rules;

import static io.lookout.alerting.rules.YamlNodes.at;
import static io.lookout.alerting.rules.YamlNodes.ordered;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.notify.NotifyConfig;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.query.promql.Expr;
import io.lookout.query.promql.PromqlParseException;
import io.lookout.query.promql.PromqlParser;
import io.lookout.query.promql.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses rule files (Prometheus rule-file format plus {@code logs:} / {@code traces:} rules and
 * {@code probes}) and API bodies into specs. Every error names the source, the YAML path, what
 * was wrong and what is allowed.
 */
public final class RuleParser {
  static final Set<String> FILE_KEYS = ordered("groups", "probes", "receivers", "route");
  static final Set<String> GROUP_KEYS = ordered("name", "interval", "rules", "tenant", "limit");
  static final Set<String> RULE_KEYS =
      ordered("alert", "record", "expr", "logs", "traces", "for", "keep_firing_for", "labels", "annotations");
  static final Set<String> LOGS_KEYS = ordered("query", "window", "threshold", "group_by");
  static final Set<String> TRACES_KEYS = ordered("service", "operation", "signal", "window", "threshold");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  public static final Duration DEFAULT_PROBE_INTERVAL = ProbeParser.DEFAULT_INTERVAL;
  public static final Duration DEFAULT_PROBE_TIMEOUT = ProbeParser.DEFAULT_TIMEOUT;

  private final YamlNodes y;

  private RuleParser(String source) {
    this.y = new YamlNodes(source);
  }

  /** Parses a whole rule file's root (an empty file is a file without rules). */
  public static RuleFile parseFile(JsonNode root, String source) throws AlertingConfigException {
    RuleParser p = new RuleParser(source);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new RuleFile(source, List.of(), List.of(), null, NotifyConfig.empty());
    }
    p.y.object(root, "");
    p.y.keys(root, "", FILE_KEYS);
    List<GroupSpec> groups = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    JsonNode gs = root.get("groups");
    if (gs != null && !gs.isNull()) {
      p.y.array(gs, "groups");
      for (int i = 0; i < gs.size(); i++) {
        GroupSpec g = p.group(gs.get(i), "groups[" + i + "]");
        if (!seen.add(g.tenant() + "\u0000" + g.name())) {
          throw p.y.error("groups[" + i + "].name", "group name '" + g.name() + "' is repeated in the same file"
              + " for tenant '" + g.tenant() + "': use unique group names");
        }
        groups.add(g);
      }
    }
    List<ProbeSpec> probes = new ArrayList<>();
    JsonNode ps = root.get("probes");
    if (ps != null && !ps.isNull()) {
      p.y.array(ps, "probes");
      Set<String> names = new HashSet<>();
      for (int i = 0; i < ps.size(); i++) {
        ProbeSpec probe = ProbeParser.parse(p.y, ps.get(i), "probes[" + i + "]", Tenant.DEFAULT);
        if (!names.add(probe.key())) {
          throw p.y.error("probes[" + i + "].name", "probe name '" + probe.name() + "' is repeated: use unique names");
        }
        probes.add(probe);
      }
    }
    return new RuleFile(source, groups, probes, root, NotifyConfig.parse(root, source));
  }

  /** Parses one group as the rules API receives it; {@code tenant} comes from the request. */
  public static GroupSpec parseApiGroup(JsonNode node, String tenant) throws AlertingConfigException {
    RuleParser p = new RuleParser("request body");
    GroupSpec g = p.group(node, "");
    if (node.has("tenant") && !g.tenant().equals(tenant)) {
      throw p.y.error("tenant", "tenant '" + g.tenant() + "' differs from the request's tenant '" + tenant
          + "' (" + Tenant.HEADER + "): leave the key out or make them equal");
    }
    return new GroupSpec(g.name(), tenant, g.interval(), g.rules(), GroupSpec.API, g.limit());
  }

  /** Parses one probe as the probes API receives it. */
  public static ProbeSpec parseApiProbe(JsonNode node, String tenant) throws AlertingConfigException {
    RuleParser p = new RuleParser("request body");
    ProbeSpec s = ProbeParser.parse(p.y, node, "", tenant);
    return new ProbeSpec(s.name(), tenant, s.url(), s.method(), s.interval(), s.timeout(), s.expectStatus(),
        s.bodyRegex(), s.headers(), s.tlsSkipVerify(), GroupSpec.API);
  }

  private GroupSpec group(JsonNode g, String path) throws AlertingConfigException {
    y.object(g, path);
    y.keys(g, path, GROUP_KEYS);
    String name = y.requiredString(g, path, "name");
    String tenant = Tenant.DEFAULT;
    if (g.has("tenant")) {
      String t = y.string(g.get("tenant"), at(path, "tenant"));
      try {
        tenant = Tenant.resolve(t);
      } catch (LookoutException e) {
        throw y.error(at(path, "tenant"), e.getMessage());
      }
    }
    Duration interval = g.has("interval") ? y.positiveDuration(g.get("interval"), at(path, "interval")) : null;
    if (g.has("limit") && !(g.get("limit").canConvertToInt() && g.get("limit").asInt() >= 0)) {
      throw y.error(at(path, "limit"), "expected a non-negative integer");
    }
    int limit = g.has("limit") ? g.get("limit").asInt() : 0;
    JsonNode rs = g.get("rules");
    List<RuleSpec> rules = new ArrayList<>();
    if (rs != null && !rs.isNull()) {
      y.array(rs, at(path, "rules"));
      for (int i = 0; i < rs.size(); i++) {
        rules.add(rule(rs.get(i), at(path, "rules") + "[" + i + "]"));
      }
    }
    return new GroupSpec(name, tenant, interval, rules, y.source(), limit);
  }

  private RuleSpec rule(JsonNode r, String path) throws AlertingConfigException {
    y.object(r, path);
    y.keys(r, path, RULE_KEYS);
    boolean hasAlert = r.has("alert");
    boolean hasRecord = r.has("record");
    if (hasAlert == hasRecord) {
      throw y.error(path, "a rule needs exactly one of 'alert' (an alerting rule) or 'record' (a recording rule)");
    }
    int queries = (r.has("expr") ? 1 : 0) + (r.has("logs") ? 1 : 0) + (r.has("traces") ? 1 : 0);
    if (queries != 1) {
      throw y.error(path, "a rule needs exactly one of 'expr' (PromQL), 'logs' or 'traces'");
    }
    String name = y.requiredString(r, path, hasAlert ? "alert" : "record");
    if (name.isBlank()) {
      throw y.error(at(path, hasAlert ? "alert" : "record"), "must not be empty");
    }
    RuleSpec.Query query;
    if (r.has("expr")) {
      query = promql(r.get("expr"), at(path, "expr"));
    } else if (hasRecord) {
      throw y.error(path, "recording rules take a PromQL 'expr'; 'logs' and 'traces' are for alerting rules");
    } else if (r.has("logs")) {
      query = logs(r.get("logs"), at(path, "logs"));
    } else {
      query = traces(r.get("traces"), at(path, "traces"));
    }
    if (hasRecord) {
      if (!METRIC_NAME.matcher(name).matches()) {
        throw y.error(at(path, "record"), "invalid recording rule name '" + name
            + "': use a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*");
      }
      for (String k : List.of("for", "keep_firing_for", "annotations")) {
        if (r.has(k)) {
          throw y.error(at(path, k), "invalid field '" + k + "' in recording rule: it is for alerting rules only");
        }
      }
    }
    Duration forD = r.has("for") ? y.duration(r.get("for"), at(path, "for")) : Duration.ZERO;
    Duration keep = r.has("keep_firing_for") ? y.duration(r.get("keep_firing_for"), at(path, "keep_firing_for"))
        : Duration.ZERO;
    Map<String, String> labels = stringMap(r.get("labels"), at(path, "labels"), true);
    Map<String, String> annotations = stringMap(r.get("annotations"), at(path, "annotations"), false);
    return new RuleSpec(name, hasRecord, query, forD, keep, labels, annotations);
  }

  private RuleSpec.Promql promql(JsonNode n, String path) throws AlertingConfigException {
    String text = y.string(n, path);
    Expr e;
    try {
      e = PromqlParser.parse(text);
    } catch (PromqlParseException ex) {
      throw y.error(path, "invalid PromQL: " + ex.getMessage());
    }
    if (e.type() != ValueType.VECTOR && e.type() != ValueType.SCALAR) {
      throw y.error(path, "invalid expression type \"" + e.type().description()
          + "\": a rule expression must be a scalar or an instant vector");
    }
    return new RuleSpec.Promql(text, e);
  }

  private RuleSpec.Logs logs(JsonNode n, String path) throws AlertingConfigException {
    y.object(n, path);
    y.keys(n, path, LOGS_KEYS);
    String query = n.has("query") ? y.string(n.get("query"), at(path, "query")) : "*";
    Duration window = y.positiveDuration(y.required(n, path, "window"), at(path, "window"));
    JsonNode t = y.required(n, path, "threshold");
    if (!t.isNumber() || t.asDouble() < 0) {
      throw y.error(at(path, "threshold"), "expected a count >= 0 (the alert fires when more records match)");
    }
    List<String> groupBy = new ArrayList<>();
    JsonNode gb = n.get("group_by");
    if (gb != null && !gb.isNull()) {
      if (gb.isTextual()) {
        groupBy.add(gb.asText());
      } else {
        y.array(gb, at(path, "group_by"));
        for (int i = 0; i < gb.size(); i++) {
          String f = y.string(gb.get(i), at(path, "group_by") + "[" + i + "]");
          if (f.isBlank() || f.contains(" ")) {
            throw y.error(at(path, "group_by") + "[" + i + "]", "expected a log field name such as service,"
                + " resource.host.name or attributes.http.route");
          }
          groupBy.add(f);
        }
      }
    }
    if (groupBy.size() > 4) {
      throw y.error(at(path, "group_by"), "at most 4 fields are allowed, got " + groupBy.size());
    }
    return new RuleSpec.Logs(query, window, t.asDouble(), groupBy);
  }

  private RuleSpec.Traces traces(JsonNode n, String path) throws AlertingConfigException {
    y.object(n, path);
    y.keys(n, path, TRACES_KEYS);
    String service = y.requiredString(n, path, "service");
    String operation = n.has("operation") && !n.get("operation").isNull() ? y.string(n.get("operation"), at(path, "operation")) : null;
    String sig = y.requiredString(n, path, "signal").toLowerCase(Locale.ROOT);
    RuleSpec.TraceSignal signal = null;
    for (RuleSpec.TraceSignal s : RuleSpec.TraceSignal.values()) {
      if (s.key().equals(sig)) {
        signal = s;
      }
    }
    if (signal == null) {
      throw y.error(at(path, "signal"), "unknown signal '" + sig + "': use error_rate, p50, p90 or p99");
    }
    Duration window = y.positiveDuration(y.required(n, path, "window"), at(path, "window"));
    JsonNode t = y.required(n, path, "threshold");
    double threshold;
    String tp = at(path, "threshold");
    if (signal == RuleSpec.TraceSignal.ERROR_RATE) {
      threshold = fraction(t, tp);
    } else if (t.isNumber()) {
      threshold = t.asDouble();
    } else {
      threshold = y.duration(t, tp).toNanos() / 1e9;
    }
    return new RuleSpec.Traces(service, operation, signal, window, threshold);
  }

  private double fraction(JsonNode t, String path) throws AlertingConfigException {
    double v;
    if (t.isNumber()) {
      v = t.asDouble();
    } else {
      String s = t.asText().trim();
      try {
        v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100 : Double.parseDouble(s);
      } catch (NumberFormatException e) {
        v = -1;
      }
    }
    if (!(v >= 0 && v <= 1)) {
      throw y.error(path, "invalid error rate '" + t.asText() + "': use a fraction from 0 to 1 (0.1) or a percentage (\"10%\")");
    }
    return v;
  }


  private Map<String, String> stringMap(JsonNode n, String path, boolean labels) throws AlertingConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    y.object(n, path);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      if (!YamlNodes.LABEL_NAME.matcher(e.getKey()).matches()) {
        throw y.error(p, "invalid " + (labels ? "label" : "annotation") + " name '" + e.getKey()
            + "': use [a-zA-Z_][a-zA-Z0-9_]*");
      }
      if (labels && (e.getKey().equals("__name__") || e.getKey().equals("alertname"))) {
        throw y.error(p, "label '" + e.getKey() + "' is set by the rule itself: use another name");
      }
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw y.error(p, "expected a string value");
      }
      String text = v.asText();
      try {
        Template.parse(text);
      } catch (IllegalArgumentException ex) {
        throw y.error(p, "invalid template: " + ex.getMessage());
      }
      out.put(e.getKey(), text);
    }
    return out;
  }

}
