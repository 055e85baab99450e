package io.lookout.alerting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lookout.alerting.AlertingConfigException;
import io.lookout.alerting.rules.ActiveAlert;
import io.lookout.alerting.rules.AlertState;
import io.lookout.alerting.rules.GroupSpec;
import io.lookout.alerting.rules.ProbeSpec;
import io.lookout.alerting.rules.RuleParser;
import io.lookout.model.ErrorCode;
import io.lookout.model.LookoutException;
import io.lookout.model.Tenant;
import io.lookout.model.TimeParser;
import io.lookout.query.ApiResponses;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code /api/v1/alerting/rules|alerts|history|probes} (native envelope) and Prometheus's
 * {@code /prometheus/api/v1/rules} and {@code /alerts}. Reads answer from in-memory snapshots;
 * writes (which fsync) run off the event loop.
 */
public final class AlertingRoutes {
  static final long MAX_BODY_BYTES = 1024 * 1024;
  static final int DEFAULT_HISTORY_LIMIT = 100;
  static final int MAX_HISTORY_LIMIT = 10_000;

  private final Vertx vertx;
  private final RuleEngine engine;
  private final Clock clock;

  public AlertingRoutes(Vertx vertx, RuleEngine engine, Clock clock) {
    this.vertx = vertx;
    this.engine = engine;
    this.clock = clock;
  }

  public void mount(Router router) {
    String base = "/api/v1/alerting";
    router.route(base + "/*").failureHandler(ApiResponses.failureHandler());
    router.route("/prometheus/api/v1/rules").failureHandler(ApiResponses.failureHandler());
    router.route("/prometheus/api/v1/alerts").failureHandler(ApiResponses.failureHandler());
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.get(base + "/rules").handler(this::listRules);
    router.post(base + "/rules").handler(body).handler(ctx -> putGroup(ctx, null));
    router.get(base + "/rules/:group").handler(this::getGroup);
    router.put(base + "/rules/:group").handler(body).handler(ctx -> putGroup(ctx, ctx.pathParam("group")));
    router.delete(base + "/rules/:group").handler(this::deleteGroup);
    router.get(base + "/alerts").handler(this::alerts);
    router.get(base + "/history").handler(this::history);
    router.get(base + "/probes").handler(this::listProbes);
    router.post(base + "/probes").handler(body).handler(ctx -> putProbe(ctx, null));
    router.put(base + "/probes/:probe").handler(body).handler(ctx -> putProbe(ctx, ctx.pathParam("probe")));
    router.delete(base + "/probes/:probe").handler(this::deleteProbe);
    router.get("/prometheus/api/v1/rules").handler(this::promRules);
    router.get("/prometheus/api/v1/alerts").handler(this::promAlerts);
  }

  private static String tenant(RoutingContext ctx) {
    return Tenant.resolve(ctx.request().getHeader(Tenant.HEADER));
  }

  private static String type(RoutingContext ctx) {
    String t = ctx.request().getParam("type");
    if (t == null || t.isBlank()) {
      return null;
    }
    if (!t.equals("alert") && !t.equals("record")) {
      throw LookoutException.badData("invalid type '" + t + "': use 'alert' or 'record'");
    }
    return t;
  }

  private void listRules(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String type = type(ctx);
    ObjectNode data = Views.JSON.createObjectNode();
    ArrayNode groups = data.putArray("groups");
    for (GroupRunner g : engine.groups(tenant)) {
      groups.add(Views.nativeGroup(g, type));
    }
    ArrayNode files = data.putArray("files");
    for (RuleFiles.FileStatus f : engine.fileStatus()) {
      ObjectNode n = files.addObject();
      n.put("path", f.path());
      n.put("health", f.healthy() ? "ok" : "err");
      n.put("lastError", f.error());
      n.put("loadedAt", Views.time(f.loadedAt()));
    }
    data.put("notificationConfigError", engine.notifyError());
    ApiResponses.success(ctx, data);
  }

  private void getGroup(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String name = ctx.pathParam("group");
    for (GroupRunner g : engine.groups(tenant)) {
      if (g.spec.name().equals(name)) {
        ApiResponses.success(ctx, Views.nativeGroup(g, null));
        return;
      }
    }
    throw new LookoutException(ErrorCode.NOT_FOUND, "no rule group named '" + name + "' for tenant '" + tenant + "'");
  }

  private GroupRunner readOnlyGroup(String tenant, String name) {
    for (GroupRunner g : engine.groups(tenant)) {
      if (g.spec.name().equals(name) && g.spec.readOnly()) {
        return g;
      }
    }
    return null;
  }

  private void putGroup(RoutingContext ctx, String pathName) {
    String tenant = tenant(ctx);
    JsonNode node = body(ctx);
    GroupSpec spec;
    try {
      spec = RuleParser.parseApiGroup(node, tenant);
    } catch (AlertingConfigException e) {
      throw LookoutException.badData(e.getMessage());
    }
    if (pathName != null && !pathName.equals(spec.name())) {
      throw LookoutException.badData("group name '" + spec.name() + "' in the body differs from '" + pathName
          + "' in the path: make them equal (to rename, delete and create)");
    }
    GroupRunner ro = readOnlyGroup(tenant, spec.name());
    if (ro != null) {
      conflict(ctx, "rule group '" + spec.name() + "' is defined in " + ro.spec.source()
          + " and is read-only through the API: edit the file, or choose another group name");
      return;
    }
    if (pathName == null && engine.api.group(tenant, spec.name()) != null) {
      conflict(ctx, "rule group '" + spec.name() + "' already exists: use PUT " + "/api/v1/alerting/rules/"
          + spec.name() + " to replace it");
      return;
    }
    blocking(ctx, () -> {
      GroupSpec old = engine.api.putGroup(tenant, node, spec);
      engine.reconcile();
      return old == null ? 201 : 200;
    }, status -> ctx.response().setStatusCode(status), () -> Views.nativeGroup(find(tenant, spec.name()), null));
  }

  private GroupRunner find(String tenant, String name) {
    for (GroupRunner g : engine.groups(tenant)) {
      if (g.spec.name().equals(name) && !g.spec.readOnly()) {
        return g;
      }
    }
    throw new LookoutException(ErrorCode.NOT_FOUND, "no rule group named '" + name + "'");
  }

  private void deleteGroup(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String name = ctx.pathParam("group");
    if (engine.api.group(tenant, name) == null) {
      GroupRunner ro = readOnlyGroup(tenant, name);
      if (ro != null) {
        conflict(ctx, "rule group '" + name + "' is defined in " + ro.spec.source()
            + " and is read-only through the API: remove it from the file");
        return;
      }
      throw new LookoutException(ErrorCode.NOT_FOUND, "no rule group named '" + name + "' for tenant '" + tenant + "'");
    }
    blocking(ctx, () -> {
      engine.api.deleteGroup(tenant, name);
      engine.reconcile();
      return 200;
    }, s -> { }, () -> Views.JSON.createObjectNode().put("deleted", name));
  }

  private void alerts(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String state = ctx.request().getParam("state");
    String alertname = ctx.request().getParam("alertname");
    ArrayNode out = Views.JSON.createArrayNode();
    for (GroupRunner g : engine.groups(tenant)) {
      for (GroupRunner.RuleRunner r : g.rules) {
        for (ActiveAlert a : r.alerts) {
          ObjectNode n = Views.nativeAlert(tenant, a);
          if ((state != null && !state.isBlank() && !state.equals(n.get("state").asText()))
              || (alertname != null && !alertname.isBlank() && !alertname.equals(a.labels().get("alertname")))) {
            continue;
          }
          n.put("group", g.spec.name());
          n.put("rule", r.spec.name());
          out.add(n);
        }
      }
    }
    ObjectNode data = Views.JSON.createObjectNode();
    data.set("alerts", out);
    ApiResponses.success(ctx, data);
  }

  private void history(RoutingContext ctx) {
    String tenant = tenant(ctx);
    long now = RuleEngineClock.nanos(clock.instant());
    String s = blankToNull(ctx.request().getParam("start"));
    String e = blankToNull(ctx.request().getParam("end"));
    Instant start = s == null ? null : RuleEngineClock.instant(TimeParser.parseTime("start", s, now));
    Instant end = e == null ? null : RuleEngineClock.instant(TimeParser.parseTime("end", e, now));
    int limit = DEFAULT_HISTORY_LIMIT;
    String l = blankToNull(ctx.request().getParam("limit"));
    if (l != null) {
      try {
        limit = Integer.parseInt(l.trim());
      } catch (NumberFormatException ex) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
        throw LookoutException.badData("invalid limit '" + l + "': use an integer from 1 to " + MAX_HISTORY_LIMIT);
      }
    }
    String state = blankToNull(ctx.request().getParam("state"));
    if (state != null && !state.equals("pending") && !state.equals("firing") && !state.equals("inactive")) {
      throw LookoutException.badData("invalid state '" + state + "': use pending, firing or inactive (resolved)");
    }
    ArrayNode out = Views.JSON.createArrayNode();
    for (History.Entry h : engine.history.query(tenant, blankToNull(ctx.request().getParam("alertname")), state,
        start, end, limit)) {
      out.add(Views.historyEntry(h));
    }
    ObjectNode data = Views.JSON.createObjectNode();
    data.set("entries", out);
    ApiResponses.success(ctx, data);
  }

  private void listProbes(RoutingContext ctx) {
    String tenant = tenant(ctx);
    ArrayNode out = Views.JSON.createArrayNode();
    engine.probes.status(tenant).forEach(e -> out.add(Views.probe(e.getKey(), e.getValue())));
    ObjectNode data = Views.JSON.createObjectNode();
    data.set("probes", out);
    ApiResponses.success(ctx, data);
  }

  private void putProbe(RoutingContext ctx, String pathName) {
    String tenant = tenant(ctx);
    JsonNode node = body(ctx);
    ProbeSpec spec;
    try {
      spec = RuleParser.parseApiProbe(node, tenant);
    } catch (AlertingConfigException e) {
      throw LookoutException.badData(e.getMessage());
    }
    if (pathName != null && !pathName.equals(spec.name())) {
      throw LookoutException.badData("probe name '" + spec.name() + "' in the body differs from '" + pathName
          + "' in the path: make them equal");
    }
    for (var e : engine.probes.status(tenant)) {
      if (e.getKey().name().equals(spec.name()) && !"api".equals(e.getKey().source())) {
        conflict(ctx, "probe '" + spec.name() + "' is defined in " + e.getKey().source()
            + " and is read-only through the API: edit the file, or choose another name");
        return;
      }
    }
    if (pathName == null && engine.api.probe(tenant, spec.name()) != null) {
      conflict(ctx, "probe '" + spec.name() + "' already exists: use PUT /api/v1/alerting/probes/" + spec.name()
          + " to replace it");
      return;
    }
    blocking(ctx, () -> {
      ProbeSpec old = engine.api.putProbe(tenant, node, spec);
      engine.reconcile();
      return old == null ? 201 : 200;
    }, status -> ctx.response().setStatusCode(status), () -> Views.probe(spec, null));
  }

  private void deleteProbe(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String name = ctx.pathParam("probe");
    if (engine.api.probe(tenant, name) == null) {
      for (var e : engine.probes.status(tenant)) {
        if (e.getKey().name().equals(name)) {
          conflict(ctx, "probe '" + name + "' is defined in " + e.getKey().source()
              + " and is read-only through the API: remove it from the file");
          return;
        }
      }
      throw new LookoutException(ErrorCode.NOT_FOUND, "no probe named '" + name + "' for tenant '" + tenant + "'");
    }
    blocking(ctx, () -> {
      engine.api.deleteProbe(tenant, name);
      engine.reconcile();
      return 200;
    }, s -> { }, () -> Views.JSON.createObjectNode().put("deleted", name));
  }

  private void promRules(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String type = type(ctx);
    ObjectNode data = Views.JSON.createObjectNode();
    ArrayNode groups = data.putArray("groups");
    for (GroupRunner g : engine.groups(tenant)) {
      ObjectNode n = Views.promGroup(g, type);
      if (type == null || !n.get("rules").isEmpty()) {
        groups.add(n);
      }
    }
    ApiResponses.success(ctx, data);
  }

  private void promAlerts(RoutingContext ctx) {
    String tenant = tenant(ctx);
    ArrayNode out = Views.JSON.createArrayNode();
    for (GroupRunner g : engine.groups(tenant)) {
      for (GroupRunner.RuleRunner r : g.rules) {
        for (ActiveAlert a : r.alerts) {
          if (a.state() != AlertState.INACTIVE) {
            out.add(Views.promAlert(a));
          }
        }
      }
    }
    ObjectNode data = Views.JSON.createObjectNode();
    data.set("alerts", out);
    ApiResponses.success(ctx, data);
  }

  private static JsonNode body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw LookoutException.badData("missing request body: send the definition as JSON or YAML");
    }
    return BoundedBodies.readJsonOrYaml(ctx.body().buffer().getBytes());
  }

  private static void conflict(RoutingContext ctx, String message) {
    ApiResponses.error(ctx, 409, "conflict", message, 0);
  }

  private interface Write {
    int run() throws IOException;
  }

  private void blocking(RoutingContext ctx, Write write, java.util.function.IntConsumer status,
      Callable<Object> render) {
    vertx.<Integer>executeBlocking(write::run, false).onComplete(ar -> {
      if (ar.failed()) {
        Throwable t = ar.cause();
        ctx.fail(t instanceof LookoutException ? t
            : new LookoutException(ErrorCode.INTERNAL, "cannot save the change: " + t.getMessage(), t));
        return;
      }
      try {
        status.accept(ar.result());
        Object data = render.call();
        ApiResponses.send(ctx, ar.result(), ApiResponses.successBody(g -> g.writeObject(data)));
      } catch (Exception e) {
        ctx.fail(e);
      }
    });
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
