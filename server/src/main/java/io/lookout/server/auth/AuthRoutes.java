package io.lookout.server.auth;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/admin/routes} (admin): every route of the API router with the role the route
 * table requires for each of its methods (null: refused, not in the table), so that operators and
 * tests can see that no route escapes the table. {@code GET /auth/whoami} (viewer): the caller's
 * tenant and roles.
 */
public final class AuthRoutes {
  /** Methods reported for routes that accept any method. */
  static final List<HttpMethod> ANY = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.PATCH);

  private final AccessPolicy policy;
  private final Router router;

  public AuthRoutes(AccessPolicy policy, Router router) {
    this.policy = policy;
    this.router = router;
  }

  public void mount() {
    router.get("/api/v1/admin/routes").handler(this::routes);
    router.get("/auth/whoami").handler(AuthRoutes::whoami);
  }

  private void routes(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    Set<String> seen = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null) {
        continue; // regex or catch-all routes: no path to list (refused unless the table covers the request)
      }
      boolean exact = route.isExactPath();
      if (!exact) {
        path = path.endsWith("/") ? path + "*" : path + "/*";
      }
      Set<HttpMethod> declared = route.methods();
      boolean anyMethod = declared == null || declared.isEmpty();
      JsonObject roles = new JsonObject();
      for (HttpMethod m : anyMethod ? ANY : declared) {
        Role r = policy.required(m, sample(path));
        roles.put(m.name(), r == null ? null : r.label());
      }
      JsonObject row = new JsonObject().put("path", path).put("anyMethod", anyMethod).put("roles", roles);
      if (seen.add(row.encode())) {
        out.add(row);
      }
    }
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "success").put("data", out).encode());
  }

  /** A concrete path for a route path: {@code :param} and {@code *} become {@code x}. */
  public static String sample(String routePath) {
    StringBuilder b = new StringBuilder();
    for (String seg : routePath.split("/", -1)) {
      if (b.length() > 0 || !seg.isEmpty()) {
        b.append('/');
      }
      b.append(seg.startsWith(":") || seg.equals("*") ? "x" : seg);
    }
    String s = b.toString();
    return s.isEmpty() ? "/" : s;
  }

  private static void whoami(RoutingContext ctx) {
    Principal p = ctx.get(AuthHandler.PRINCIPAL);
    JsonObject data = p == null
        ? new JsonObject().put("authenticated", false)
        : new JsonObject().put("authenticated", true).put("subject", p.subject()).put("tenant", p.tenant())
            .put("roles", new JsonArray(p.roles().stream().map(Role::label).sorted().toList())).put("scheme", p.scheme());
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "success").put("data", data).encode());
  }
}
