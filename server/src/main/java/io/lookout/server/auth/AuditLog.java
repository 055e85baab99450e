package io.lookout.server.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON object per line on the logger {@value #LOGGER} for every change made
 * by an editor or admin (rules, probes, silences, acks: create, update, delete), every admin
 * request, refused attempts at them, token table reloads, logins and logouts. Each line says who
 * ({@code actor}: name, tenant, roles, scheme), what ({@code action}: method, route, path,
 * target), the {@code outcome} ({@code success}, {@code denied}, {@code failure}), the HTTP status
 * and the time. Never secrets: no headers, cookies, query strings or bodies (only a target's name
 * or id taken from the JSON body of a create).
 *
 * <pre>
 * {"time":"2026-05-01T10:00:00Z","event":"api","actor":{"name":"alice","tenant":"acme","roles":["editor"],
 *  "scheme":"session"},"action":{"method":"DELETE","route":"/api/v1/alerting/rules/:group",
 *  "path":"/api/v1/alerting/rules/checkout","target":"checkout"},"outcome":"success","status":204}
 * </pre>
 */
public final class AuditLog {
  public static final String LOGGER = "io.lookout.audit";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  /** Body fields that name what a create or update is about (never secrets). */
  private static final String[] TARGET_FIELDS = {"name", "id", "fingerprint"};

  private final Clock clock;
  private final Counter events;

  public AuditLog(Clock clock, PrometheusRegistry registry) {
    this.clock = clock;
    this.events = Counter.builder().name("lookout_audit_events_total")
        .help("audit log lines by event (api, login, logout, tokens_reload) and outcome (success, denied, failure)")
        .labelNames("event", "outcome").register(registry);
  }

  /** True when a request to a route needing {@code required} is audited: admin routes, and changes on editor routes. */
  public static boolean audited(HttpMethod method, Role required) {
    if (required == Role.ADMIN) {
      return true;
    }
    return required == Role.EDITOR && method != HttpMethod.GET && method != HttpMethod.HEAD
        && method != HttpMethod.OPTIONS;
  }

  /** Writes the line for {@code ctx} when its response has ended (whatever the status). */
  public void onEnd(RoutingContext ctx, Principal who, String rulePattern) {
    ctx.addEndHandler(ar -> request(ctx, who, ar.succeeded() ? ctx.response().getStatusCode() : 0, rulePattern));
  }

  /** A request refused before it reached its route (401, 403). {@code who} is null when unauthenticated. */
  public void refused(RoutingContext ctx, Principal who, int status, String rulePattern) {
    request(ctx, who, status, rulePattern);
  }

  private void request(RoutingContext ctx, Principal who, int status, String rulePattern) {
    String route = status == 401 || status == 403 ? null : route(ctx);
    JsonObject action = new JsonObject()
        .put("method", ctx.request().method().name())
        .put("route", route == null || route.isEmpty() ? rulePattern : route)
        .put("path", abbreviate(ctx.normalizedPath(), 300));
    String target = target(ctx, status);
    if (target != null) {
      action.put("target", target);
    }
    String outcome = status >= 200 && status < 400 ? "success" : status == 401 || status == 403 ? "denied" : "failure";
    write("api", actor(who, ctx), action, outcome, status == 0 ? null : status, null);
  }

  /** A browser login through the issuer: {@code who} on success, else null with what went wrong. */
  public void login(Principal who, boolean ok, String reason) {
    write("login", actor(who, null), new JsonObject().put("method", "GET").put("route", "/auth/callback"),
        ok ? "success" : "denied", null, reason);
  }

  /** A logout; {@code who} is null when the cookie named no live session. */
  public void logout(Principal who) {
    write("logout", actor(who, null), new JsonObject().put("route", "/auth/logout"), "success", null,
        who == null ? "no live session" : null);
  }

  /** A reload of the token table from {@code source} (a file path): how many tokens it holds, or why it failed. */
  public void tokensReload(String source, boolean ok, int tokens, String reason) {
    JsonObject action = new JsonObject().put("source", source);
    if (ok) {
      action.put("tokens", tokens);
    }
    write("tokens_reload", new JsonObject().put("name", "system"), action, ok ? "success" : "failure", null, reason);
  }

  private void write(String event, JsonObject actor, JsonObject action, String outcome, Integer status, String reason) {
    JsonObject line = new JsonObject().put("logger", LOGGER)
        .put("time", Instant.ofEpochMilli(clock.millis()).toString()).put("event", event)
        .put("actor", actor).put("action", action).put("outcome", outcome);
    if (status != null) {
      line.put("status", status);
    }
    if (reason != null) {
      line.put("reason", abbreviate(reason, 300));
    }
    events.labelValues(event, outcome).inc();
    LOG.info(line.encode());
  }

  private static JsonObject actor(Principal who, RoutingContext ctx) {
    if (who == null) {
      JsonObject anonymous = new JsonObject().put("name", "anonymous");
      if (ctx != null && ctx.request().remoteAddress() != null) {
        anonymous.put("address", ctx.request().remoteAddress().hostAddress());
      }
      return anonymous;
    }
    return new JsonObject().put("name", who.subject()).put("tenant", who.tenant())
        .put("roles", new JsonArray(who.roles().stream().map(Role::label).sorted().toList()))
        .put("scheme", who.scheme());
  }

  private static String route(RoutingContext ctx) {
    Route r = ctx.currentRoute();
    // a catch-all (failure handlers, 404) says less than the route table's pattern
    String path = r == null || !r.isExactPath() ? null : r.getPath();
    return path == null ? "" : path;
  }

  /** The path parameters of the route that answered, else a naming field of a JSON body; never more. */
  private static String target(RoutingContext ctx, int status) {
    Map<String, String> params = ctx.pathParams();
    if (params != null) {
      java.util.List<String> named = params.entrySet().stream().filter(e -> !e.getKey().equals("*"))
          .map(Map.Entry::getValue).distinct().toList();
      if (!named.isEmpty()) {
        return abbreviate(String.join("/", named), 200);
      }
    }
    if (status == 401 || status == 403 || ctx.body() == null || ctx.body().length() <= 0) {
      return null; // a refused body was never read
    }
    try {
      JsonObject body = ctx.body().asJsonObject();
      for (String f : TARGET_FIELDS) {
        if (body != null && body.getValue(f) instanceof String s && !s.isBlank()) {
          return abbreviate(s, 200);
        }
      }
    } catch (RuntimeException e) {
      // not a JSON object: no target
    }
    return null;
  }

  private static String abbreviate(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }
}
