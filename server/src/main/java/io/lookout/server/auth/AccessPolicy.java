package io.lookout.server.auth;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The route table: the one place that says which role each method and path of the API port needs.
 * A request that matches no rule is refused when authentication is on (default deny), so a new
 * route must be added here before anyone can call it.
 *
 * <p>Patterns are Vert.x-style paths: literal segments, {@code :name} for one segment, and a
 * final {@code *} for any rest (including none). A trailing slash on the request is ignored, as
 * the router ignores it. The first matching rule wins.
 */
public final class AccessPolicy {
  private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET);
  /** Query endpoints that also take their parameters as a POSTed form (a read all the same). */
  private static final Set<HttpMethod> READ_FORM = Set.of(HttpMethod.GET, HttpMethod.POST);
  private static final Set<HttpMethod> WRITE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.PATCH);

  /**
   * @param methods the methods the rule covers
   * @param pattern the path pattern
   * @param role what a credential needs ({@link Role#PUBLIC}: nothing)
   */
  public record Rule(Set<HttpMethod> methods, String pattern, Role role) {
    public Rule {
      methods = Set.copyOf(methods);
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(role, "role");
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
      }
    }

    boolean matches(HttpMethod method, String[] path) {
      return methods.contains(method) && AccessPolicy.matches(segments(pattern), path);
    }
  }

  private final List<Rule> rules;

  public AccessPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * The table of Lookout's API port.
   *
   * @param metricsRole what {@code GET /metrics} needs: {@link Role#PUBLIC}, {@link Role#VIEWER}
   *     or {@link Role#ADMIN} (the exposition names every tenant in its labels)
   */
  public static AccessPolicy standard(Role metricsRole) {
    List<Rule> r = new ArrayList<>();
    // public: probes of the orchestrator and the steps of the browser login
    add(r, READ, Role.PUBLIC, "/healthz", "/readyz", "/auth/login", "/auth/callback");
    // the UI's static files (scripts, styles, uPlot): no data in them
    add(r, READ, Role.PUBLIC, "/ui/*");
    add(r, Set.of(HttpMethod.GET, HttpMethod.POST), Role.PUBLIC, "/auth/logout");
    // ingest: remote_write, Loki push, OTLP/HTTP should it be served here too
    add(r, Set.of(HttpMethod.POST), Role.INGEST, "/prometheus/api/v1/write", "/loki/api/v1/push",
        "/v1/logs", "/v1/traces", "/v1/metrics");
    // admin: settings, tokens, the route table itself
    add(r, READ, Role.ADMIN, "/api/v1/admin/*");
    // operations
    add(r, READ, metricsRole, "/metrics");
    add(r, READ, Role.VIEWER, "/", "/auth/whoami");
    // native log and trace APIs
    add(r, READ_FORM, Role.VIEWER, "/api/v1/logs", "/api/v1/logs/histogram", "/api/v1/logs/fields",
        "/api/v1/logs/fields/:name/values", "/api/v1/logs/tail", "/api/v1/logs/context");
    add(r, READ, Role.VIEWER, "/api/v1/traces", "/api/v1/traces/services",
        "/api/v1/traces/services/:service/operations", "/api/v1/traces/dependencies", "/api/v1/traces/red",
        "/api/v1/traces/:traceId");
    // Prometheus API (reads) and the rule/alert views alerting serves there
    add(r, READ_FORM, Role.VIEWER, "/prometheus/api/v1/query", "/prometheus/api/v1/query_range",
        "/prometheus/api/v1/series", "/prometheus/api/v1/labels", "/prometheus/api/v1/query_exemplars");
    add(r, READ, Role.VIEWER, "/prometheus/api/v1/label/:name/values", "/prometheus/api/v1/metadata",
        "/prometheus/api/v1/status/buildinfo", "/prometheus/api/v1/rules", "/prometheus/api/v1/alerts");
    // Jaeger and Loki query APIs
    add(r, READ, Role.VIEWER, "/jaeger/api/services", "/jaeger/api/services/:service/operations",
        "/jaeger/api/operations", "/jaeger/api/traces", "/jaeger/api/traces/:traceId", "/jaeger/api/dependencies");
    add(r, READ_FORM, Role.VIEWER, "/loki/api/v1/query", "/loki/api/v1/query_range", "/loki/api/v1/series");
    // /loki/api/v1/tail is a WebSocket (Grafana's live mode); the upgrade is a GET
    add(r, READ, Role.VIEWER, "/loki/api/v1/labels", "/loki/api/v1/label/:name/values", "/loki/api/v1/tail");
    // alerting: reading rules, alerts, history, probes, silences, acks, notifications; writing them
    add(r, READ, Role.VIEWER, "/api/v1/alerting/*");
    add(r, WRITE, Role.EDITOR, "/api/v1/alerting/*");
    // UI deep links (the app itself; its data calls go through the APIs above)
    add(r, READ, Role.VIEWER, "/logs", "/traces", "/traces/:traceId", "/alerts", "/health", "/api");
    return new AccessPolicy(r);
  }

  private static void add(List<Rule> rules, Set<HttpMethod> methods, Role role, String... patterns) {
    for (String p : patterns) {
      rules.add(new Rule(methods, p, role));
    }
  }

  /** Every rule, in matching order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The role a request needs, or null when no rule matches (refused: default deny). */
  public Role required(HttpMethod method, String normalizedPath) {
    Rule rule = find(method, normalizedPath);
    return rule == null ? null : rule.role();
  }

  /** The first rule matching the request, or null. */
  public Rule find(HttpMethod method, String normalizedPath) {
    if (normalizedPath == null || !normalizedPath.startsWith("/")) {
      return null;
    }
    String[] path = segments(normalizedPath);
    for (Rule rule : rules) {
      if (rule.matches(method, path)) {
        return rule;
      }
    }
    return null;
  }

  static String[] segments(String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
  }

  static boolean matches(String[] pattern, String[] path) {
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.equals("*") && i == pattern.length - 1) {
        return true;
      }
      if (i >= path.length) {
        return false;
      }
      if (p.startsWith(":")) {
        if (path[i].isEmpty()) {
          return false;
        }
      } else if (!p.equals(path[i])) {
        return false;
      }
    }
    return pattern.length == path.length;
  }
}
