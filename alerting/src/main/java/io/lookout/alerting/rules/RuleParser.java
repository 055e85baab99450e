package io.lookout.alerting.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.notify.NotifyConfig;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.TimeParser;
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
import java.util.regex.PatternSyntaxException;

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
  static final Set<String> PROBE_KEYS = ordered(
      "name", "url", "method", "interval", "timeout", "expect_status", "body_regex", "headers", "tls_skip_verify",
      "tenant");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> METHODS = ordered("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final String source;

  private RuleParser(String source) {
    this.source = source;
  }

  /** Parses a whole rule file's root (an empty file is a file without rules). */
  public static RuleFile parseFile(JsonNode root, String source) throws AlertingConfigException {
    RuleParser p = new RuleParser(source);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new RuleFile(source, List.of(), List.of(), null, NotifyConfig.empty());
    }
    p.object(root, "");
    p.keys(root, "", FILE_KEYS);
    List<GroupSpec> groups = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    JsonNode gs = root.get("groups");
    if (gs != null && !gs.isNull()) {
      p.array(gs, "groups");
      for (int i = 0; i < gs.size(); i++) {
        GroupSpec g = p.group(gs.get(i), "groups[" + i + "]");
        if (!seen.add(g.tenant() + "\u0000" + g.name())) {
          throw p.error("groups[" + i + "].name", "group name '" + g.name() + "' is repeated in the same file"
              + " for tenant '" + g.tenant() + "': use unique group names");
        }
        groups.add(g);
      }
    }
    List<ProbeSpec> probes = new ArrayList<>();
    JsonNode ps = root.get("probes");
    if (ps != null && !ps.isNull()) {
      p.array(ps, "probes");
      Set<String> names = new HashSet<>();
      for (int i = 0; i < ps.size(); i++) {
        ProbeSpec probe = p.probe(ps.get(i), "probes[" + i + "]", Tenant.DEFAULT);
        if (!names.add(probe.key())) {
          throw p.error("probes[" + i + "].name", "probe name '" + probe.name() + "' is repeated: use unique names");
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
      throw p.error("tenant", "tenant '" + g.tenant() + "' differs from the request's tenant '" + tenant
          + "' (" + Tenant.HEADER + "): leave the key out or make them equal");
    }
    return new GroupSpec(g.name(), tenant, g.interval(), g.rules(), GroupSpec.API);
  }

  /** Parses one probe as the probes API receives it. */
  public static ProbeSpec parseApiProbe(JsonNode node, String tenant) throws AlertingConfigException {
    RuleParser p = new RuleParser("request body");
    ProbeSpec s = p.probe(node, "", tenant);
    return new ProbeSpec(s.name(), tenant, s.url(), s.method(), s.interval(), s.timeout(), s.expectStatus(),
        s.bodyRegex(), s.headers(), s.tlsSkipVerify(), GroupSpec.API);
  }

  private GroupSpec group(JsonNode g, String path) throws AlertingConfigException {
    object(g, path);
    keys(g, path, GROUP_KEYS);
    String name = requiredString(g, path, "name");
    String tenant = Tenant.DEFAULT;
    if (g.has("tenant")) {
      String t = string(g.get("tenant"), at(path, "tenant"));
      try {
        tenant = Tenant.resolve(t);
      } catch (LookoutException e) {
        throw error(at(path, "tenant"), e.getMessage());
      }
    }
    Duration interval = g.has("interval") ? positiveDuration(g.get("interval"), at(path, "interval")) : null;
    if (g.has("limit") && !(g.get("limit").canConvertToInt() && g.get("limit").asInt() >= 0)) {
      throw error(at(path, "limit"), "expected a non-negative integer");
    }
    JsonNode rs = g.get("rules");
    List<RuleSpec> rules = new ArrayList<>();
    if (rs != null && !rs.isNull()) {
      array(rs, at(path, "rules"));
      for (int i = 0; i < rs.size(); i++) {
        rules.add(rule(rs.get(i), at(path, "rules") + "[" + i + "]"));
      }
    }
    return new GroupSpec(name, tenant, interval, rules, source);
  }

  private RuleSpec rule(JsonNode r, String path) throws AlertingConfigException {
    object(r, path);
    keys(r, path, RULE_KEYS);
    boolean hasAlert = r.has("alert");
    boolean hasRecord = r.has("record");
    if (hasAlert == hasRecord) {
      throw error(path, "a rule needs exactly one of 'alert' (an alerting rule) or 'record' (a recording rule)");
    }
    int queries = (r.has("expr") ? 1 : 0) + (r.has("logs") ? 1 : 0) + (r.has("traces") ? 1 : 0);
    if (queries != 1) {
      throw error(path, "a rule needs exactly one of 'expr' (PromQL), 'logs' or 'traces'");
    }
    String name = requiredString(r, path, hasAlert ? "alert" : "record");
    if (name.isBlank()) {
      throw error(at(path, hasAlert ? "alert" : "record"), "must not be empty");
    }
    RuleSpec.Query query;
    if (r.has("expr")) {
      query = promql(r.get("expr"), at(path, "expr"));
    } else if (hasRecord) {
      throw error(path, "recording rules take a PromQL 'expr'; 'logs' and 'traces' are for alerting rules");
    } else if (r.has("logs")) {
      query = logs(r.get("logs"), at(path, "logs"));
    } else {
      query = traces(r.get("traces"), at(path, "traces"));
    }
    if (hasRecord) {
      if (!METRIC_NAME.matcher(name).matches()) {
        throw error(at(path, "record"), "invalid recording rule name '" + name
            + "': use a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*");
      }
      for (String k : List.of("for", "keep_firing_for", "annotations")) {
        if (r.has(k)) {
          throw error(at(path, k), "invalid field '" + k + "' in recording rule: it is for alerting rules only");
        }
      }
    }
    Duration forD = r.has("for") ? duration(r.get("for"), at(path, "for")) : Duration.ZERO;
    Duration keep = r.has("keep_firing_for") ? duration(r.get("keep_firing_for"), at(path, "keep_firing_for"))
        : Duration.ZERO;
    Map<String, String> labels = stringMap(r.get("labels"), at(path, "labels"), true);
    Map<String, String> annotations = stringMap(r.get("annotations"), at(path, "annotations"), false);
    return new RuleSpec(name, hasRecord, query, forD, keep, labels, annotations);
  }

  private RuleSpec.Promql promql(JsonNode n, String path) throws AlertingConfigException {
    String text = string(n, path);
    Expr e;
    try {
      e = PromqlParser.parse(text);
    } catch (PromqlParseException ex) {
      throw error(path, "invalid PromQL: " + ex.getMessage());
    }
    if (e.type() != ValueType.VECTOR && e.type() != ValueType.SCALAR) {
      throw error(path, "invalid expression type \"" + e.type().description()
          + "\": a rule expression must be a scalar or an instant vector");
    }
    return new RuleSpec.Promql(text, e);
  }

  private RuleSpec.Logs logs(JsonNode n, String path) throws AlertingConfigException {
    object(n, path);
    keys(n, path, LOGS_KEYS);
    String query = n.has("query") ? string(n.get("query"), at(path, "query")) : "*";
    Duration window = positiveDuration(required(n, path, "window"), at(path, "window"));
    JsonNode t = required(n, path, "threshold");
    if (!t.isNumber() || t.asDouble() < 0) {
      throw error(at(path, "threshold"), "expected a count >= 0 (the alert fires when more records match)");
    }
    List<String> groupBy = new ArrayList<>();
    JsonNode gb = n.get("group_by");
    if (gb != null && !gb.isNull()) {
      if (gb.isTextual()) {
        groupBy.add(gb.asText());
      } else {
        array(gb, at(path, "group_by"));
        for (int i = 0; i < gb.size(); i++) {
          String f = string(gb.get(i), at(path, "group_by") + "[" + i + "]");
          if (f.isBlank() || f.contains(" ")) {
            throw error(at(path, "group_by") + "[" + i + "]", "expected a log field name such as service,"
                + " resource.host.name or attributes.http.route");
          }
          groupBy.add(f);
        }
      }
    }
    if (groupBy.size() > 4) {
      throw error(at(path, "group_by"), "at most 4 fields are allowed, got " + groupBy.size());
    }
    return new RuleSpec.Logs(query, window, t.asDouble(), groupBy);
  }

  private RuleSpec.Traces traces(JsonNode n, String path) throws AlertingConfigException {
    object(n, path);
    keys(n, path, TRACES_KEYS);
    String service = requiredString(n, path, "service");
    String operation = n.has("operation") && !n.get("operation").isNull() ? string(n.get("operation"), at(path, "operation")) : null;
    String sig = requiredString(n, path, "signal").toLowerCase(Locale.ROOT);
    RuleSpec.TraceSignal signal = null;
    for (RuleSpec.TraceSignal s : RuleSpec.TraceSignal.values()) {
      if (s.key().equals(sig)) {
        signal = s;
      }
    }
    if (signal == null) {
      throw error(at(path, "signal"), "unknown signal '" + sig + "': use error_rate, p50, p90 or p99");
    }
    Duration window = positiveDuration(required(n, path, "window"), at(path, "window"));
    JsonNode t = required(n, path, "threshold");
    double threshold;
    String tp = at(path, "threshold");
    if (signal == RuleSpec.TraceSignal.ERROR_RATE) {
      threshold = fraction(t, tp);
    } else if (t.isNumber()) {
      threshold = t.asDouble();
    } else {
      threshold = duration(t, tp).toNanos() / 1e9;
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
      throw error(path, "invalid error rate '" + t.asText() + "': use a fraction from 0 to 1 (0.1) or a percentage (\"10%\")");
    }
    return v;
  }

  private ProbeSpec probe(JsonNode n, String path, String defaultTenant) throws AlertingConfigException {
    object(n, path);
    keys(n, path, PROBE_KEYS);
    String name = requiredString(n, path, "name");
    if (!LABEL_NAME.matcher(name.replace('-', '_').replace('.', '_')).matches()) {
      throw error(at(path, "name"), "invalid probe name '" + name + "': use letters, digits, '_', '-' and '.'");
    }
    String url = requiredString(n, path, "url");
    java.net.URI uri;
    try {
      uri = java.net.URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw error(at(path, "url"), "invalid url '" + url + "': use an absolute http:// or https:// URL");
    }
    String method = n.has("method") ? string(n.get("method"), at(path, "method")).toUpperCase(Locale.ROOT) : "GET";
    if (!METHODS.contains(method)) {
      throw error(at(path, "method"), "unknown method '" + method + "': use one of " + String.join(", ", METHODS));
    }
    Duration interval = n.has("interval") ? positiveDuration(n.get("interval"), at(path, "interval")) : DEFAULT_PROBE_INTERVAL;
    Duration timeout = n.has("timeout") ? positiveDuration(n.get("timeout"), at(path, "timeout"))
        : (interval.compareTo(DEFAULT_PROBE_TIMEOUT) < 0 ? interval : DEFAULT_PROBE_TIMEOUT);
    if (timeout.compareTo(interval) > 0) {
      throw error(at(path, "timeout"), "timeout " + Durations.format(timeout) + " is longer than the interval "
          + Durations.format(interval) + ": use a timeout up to the interval");
    }
    int expect = 0;
    if (n.has("expect_status")) {
      JsonNode e = n.get("expect_status");
      if (!e.canConvertToInt() || e.asInt() < 100 || e.asInt() > 599) {
        throw error(at(path, "expect_status"), "expected an HTTP status from 100 to 599 (leave out for any 2xx)");
      }
      expect = e.asInt();
    }
    Pattern body = null;
    if (n.has("body_regex")) {
      String re = string(n.get("body_regex"), at(path, "body_regex"));
      try {
        body = Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        throw error(at(path, "body_regex"), "invalid regular expression: " + e.getDescription());
      }
    }
    boolean skip = false;
    if (n.has("tls_skip_verify")) {
      if (!n.get("tls_skip_verify").isBoolean()) {
        throw error(at(path, "tls_skip_verify"), "expected true or false");
      }
      skip = n.get("tls_skip_verify").asBoolean();
    }
    String tenant = defaultTenant;
    if (n.has("tenant")) {
      try {
        tenant = Tenant.resolve(string(n.get("tenant"), at(path, "tenant")));
      } catch (LookoutException e) {
        throw error(at(path, "tenant"), e.getMessage());
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = n.get("headers");
    if (h != null && !h.isNull()) {
      object(h, at(path, "headers"));
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.put(e.getKey(), string(e.getValue(), at(path, "headers") + "." + e.getKey()));
      }
    }
    return new ProbeSpec(name, tenant, url, method, interval, timeout, expect, body, headers, skip, source);
  }

  private Map<String, String> stringMap(JsonNode n, String path, boolean labels) throws AlertingConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    object(n, path);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      if (!LABEL_NAME.matcher(e.getKey()).matches()) {
        throw error(p, "invalid " + (labels ? "label" : "annotation") + " name '" + e.getKey()
            + "': use [a-zA-Z_][a-zA-Z0-9_]*");
      }
      if (labels && (e.getKey().equals("__name__") || e.getKey().equals("alertname"))) {
        throw error(p, "label '" + e.getKey() + "' is set by the rule itself: use another name");
      }
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw error(p, "expected a string value");
      }
      String text = v.asText();
      try {
        Template.parse(text);
      } catch (IllegalArgumentException ex) {
        throw error(p, "invalid template: " + ex.getMessage());
      }
      out.put(e.getKey(), text);
    }
    return out;
  }

  private Duration duration(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !(n.isTextual() || n.isNumber())) {
      throw error(path, "expected a duration such as 30s, 5m or 1h30m");
    }
    try {
      return Duration.ofNanos(TimeParser.parseDuration(path, n.asText()));
    } catch (LookoutException e) {
      throw error(path, "invalid duration '" + n.asText() + "': use a duration such as 30s, 5m or 1h30m");
    }
  }

  private Duration positiveDuration(JsonNode n, String path) throws AlertingConfigException {
    Duration d = duration(n, path);
    if (d.isZero()) {
      throw error(path, "must be longer than 0s");
    }
    return d;
  }

  private JsonNode required(JsonNode n, String path, String key) throws AlertingConfigException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw error(path.isEmpty() ? key : path, "missing required key '" + key + "'");
    }
    return v;
  }

  private String requiredString(JsonNode n, String path, String key) throws AlertingConfigException {
    return string(required(n, path, key), at(path, key));
  }

  private String string(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw error(path, "expected a string");
    }
    return n.asText();
  }

  private void object(JsonNode n, String path) throws AlertingConfigException {
    if (n == null || !n.isObject()) {
      throw error(path.isEmpty() ? "(root)" : path, "expected a mapping (key: value pairs)");
    }
  }

  private void array(JsonNode n, String path) throws AlertingConfigException {
    if (!n.isArray()) {
      throw error(path, "expected a list");
    }
  }

  private void keys(JsonNode n, String path, Set<String> allowed) throws AlertingConfigException {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw error(at(path, k), "unknown key '" + k + "': allowed keys are " + String.join(", ", allowed));
      }
    }
  }

  private static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private AlertingConfigException error(String path, String message) {
    return new AlertingConfigException(source + ": " + path + ": " + message);
  }

  private static Set<String> ordered(String... s) {
    return new java.util.LinkedHashSet<>(List.of(s));
  }
}
